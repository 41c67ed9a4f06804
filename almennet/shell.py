"""A logged-in member's page put together from a shared shell.

Around what is a member's own (their registrations, their forms, the sign-up box), a page is
the same for every member of a kind: the header and menu, the footer, the page's title and
often most of its body. ``render_member_page`` renders that once per page, language and kind
as a shell with slots, keeps it like the other shared parts (almennet.page_cache.shared, under
the versions the caller names) and fills the slots per request: the messages, the CSRF token
(every form and the htmx header carry the browser's own), and what the caller renders itself
(``fills``; or the page's own part, a template partial named by ``personal_partial`` that the
page's template shows in place of ``content_slot``).

Only for members who are not staff (staff see drafts and their own boxes) and requests without
a query string (it changes the header's search box and language link); everyone else gets the
page rendered whole, as does any page when the page cache is off.
"""

import functools

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from .page_cache import CONTENT, personal, shared

MESSAGES_SLOT = "<!-- messages -->"
CONTENT_SLOT = "<!-- content -->"
CSRF_SLOT = "--csrf-token--"


def uses_shell(request) -> bool:
    user = request.user
    return user.is_authenticated and not user.is_staff and not request.GET


def render_member_page(
    request,
    template: str,
    context,
    *,
    name: str,
    parts=(),
    on=(CONTENT,),
    fills=None,
    personal_partial: str | None = None,
    personal_kept_under: tuple[str, ...] | None = None,
) -> HttpResponse:
    """The page as `render(request, template, context)` gives it, from a shell kept per
    `name`, path, language and `parts` under the versions `on`. `fills` maps the caller's
    own slots to their HTML (which may hold CSRF_SLOT); `personal_partial` is rendered per
    request into CONTENT_SLOT, or, with `personal_kept_under` (the versions the member's rows
    shown in it move besides the content version and their scope), kept per person and `parts`
    (almennet.page_cache.personal). `context` may be a function giving the dict: it is then
    called only when something is rendered. Nothing personal may reach the shell but through
    a slot."""
    context_of = functools.cache(context if callable(context) else lambda: context)
    if not uses_shell(request):
        return render(request, template, context_of())

    def build() -> str:
        slots = {"messages_slot": mark_safe(MESSAGES_SLOT), "csrf_token": CSRF_SLOT}  # noqa: S308 - constants
        if personal_partial:
            slots["content_slot"] = mark_safe(CONTENT_SLOT)  # noqa: S308 - a constant
        return render_to_string(template, {**context_of(), **slots}, request)

    shell = shared(f"shell-{name}", build, request.path, translation.get_language(), *parts, on=on)
    fills = dict(fills or {})
    if personal_partial:

        def own_part() -> str:
            return render_partial(request, f"{template}#{personal_partial}", context_of())

        if personal_kept_under is None:
            fills[CONTENT_SLOT] = own_part()
        else:
            fills[CONTENT_SLOT] = personal(
                f"part-{name}",
                own_part,
                request.user,
                request.path,
                translation.get_language(),
                *parts,
                also=personal_kept_under,
            )
    fills[MESSAGES_SLOT] = render_to_string(
        "includes/messages.html", {"messages": get_messages(request)}
    )
    page = shell
    for slot, html in fills.items():
        page = page.replace(slot, html)
    return HttpResponse(page.replace(CSRF_SLOT, get_token(request)))


def render_partial(request, template: str, context: dict) -> str:
    """A slot's HTML: the partial with the page's context, the viewer and the request (not the
    context processors: the shell has what they give), and the CSRF slot for the token."""
    return render_to_string(
        template, {**context, "user": request.user, "request": request, "csrf_token": CSRF_SLOT}
    )
