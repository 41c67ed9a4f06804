"""Public newsletter pages: subscribe, confirm, unsubscribe (also RFC 8058 one-click), archive."""

import hashlib
import logging

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .forms import SubscribeForm
from .models import Newsletter
from .selectors import newsletter_cards, subscriber_confirmed
from .services import (
    SubscriptionError,
    WithdrawOutcome,
    subscription_confirm,
    subscription_request,
    subscription_withdraw,
)
from .tokens import BadToken, ExpiredToken, confirm_token_read, unsubscribe_token_read

# How many subscribe requests (each may mail a confirmation) per client address and per
# recipient address, and in how many seconds.
SUBSCRIBE_LIMITS = {"client": (5, 3600), "recipient": (3, 24 * 3600)}

logger = logging.getLogger(__name__)


def _subscribe_allowed(request, email: str) -> bool:
    """Count this request against the client's and the recipient's limit. When the cache
    cannot be reached nothing is mailed (fail closed): a form that mails anyone any text must
    not become an open relay because Redis is away."""
    from allauth.account.adapter import get_adapter

    try:
        client = get_adapter(request).get_client_ip(request) or "unknown"
        allowed = True
        for kind, value in (("client", client), ("recipient", email)):
            limit, seconds = SUBSCRIBE_LIMITS[kind]
            digest = hashlib.sha256(value.encode()).hexdigest()[:32]
            key = f"newsletters:subscribe:{kind}:{digest}"
            cache.add(key, 0, seconds)
            if cache.incr(key) > limit:
                allowed = False
        return allowed
    except Exception:  # noqa: BLE001 - any cache failure: refuse, log, never a 500
        logger.warning("newsletter subscribe: rate limit cache unavailable", exc_info=True)
        return False


@require_http_methods(["GET", "POST"])
def subscribe(request):
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_from_a_bot:
            # Answer as for a person, so the bot learns nothing; nothing is stored or mailed.
            email = str(request.POST.get("email", ""))[:254]
            return render(request, "newsletters/subscribe_sent.html", {"email": email})
        if form.is_valid() and not _subscribe_allowed(request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "We have had too many sign-ups from your connection or for this address. "
                    "Please try again later."
                ),
            )
            return render(request, "newsletters/subscribe.html", {"form": form}, status=429)
        if form.is_valid():
            subscription_request(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                language=translation.get_language(),
                source="website form /newsletter/",
                user=user if user and user.email.lower() == form.cleaned_data["email"] else None,
            )
            return render(
                request, "newsletters/subscribe_sent.html", {"email": form.cleaned_data["email"]}
            )
    else:
        initial = {"email": user.email, "name": user.get_full_name()} if user else {}
        form = SubscribeForm(initial=initial)
    return render(request, "newsletters/subscribe.html", {"form": form})


def _token_problem(request, *, expired: bool, kind: str):
    return render(
        request,
        "newsletters/token_problem.html",
        {"expired": expired, "kind": kind},
        status=410 if expired else 400,
    )


@never_cache  # the answer depends on the subscription's state, which is no page content
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button (link scanners in mail systems must not confirm); POST confirms. A
    link opened again after confirming says so instead of asking once more."""
    try:
        email = confirm_token_read(token)
    except ExpiredToken:
        return _token_problem(request, expired=True, kind="confirm")
    except BadToken:
        return _token_problem(request, expired=False, kind="confirm")
    if request.method == "GET":
        subscriber = subscriber_confirmed(email=email)
        if subscriber is not None:
            return render(
                request,
                "newsletters/confirm_done.html",
                {"subscriber": subscriber, "already": True},
            )
        return render(request, "newsletters/confirm.html", {"email": email})
    try:
        subscriber, already = subscription_confirm(token=token)
    except SubscriptionError as error:
        return render(
            request, "newsletters/confirm_done.html", {"problem": error.messages[0]}, status=409
        )
    return render(
        request, "newsletters/confirm_done.html", {"subscriber": subscriber, "already": already}
    )


@csrf_exempt  # The signed token is the authority; mail clients post one-click without cookies.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a confirm button; POST unsubscribes. A POST with the RFC 8058 body
    `List-Unsubscribe=One-Click` comes from the mail client's button and gets a short answer.
    Nothing happens without a valid signed token."""
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        email = unsubscribe_token_read(token)
    except BadToken:
        if one_click:
            return HttpResponse("Invalid unsubscribe link.", status=400, content_type="text/plain")
        return _token_problem(request, expired=False, kind="unsubscribe")
    if request.method == "GET":
        return render(request, "newsletters/unsubscribe.html", {"email": email, "token": token})
    outcome = subscription_withdraw(
        email=email, source="one-click (List-Unsubscribe-Post)" if one_click else "unsubscribe link"
    )
    if one_click:
        return HttpResponse("Unsubscribed.", content_type="text/plain")
    return render(
        request,
        "newsletters/unsubscribe_done.html",
        {"email": email, "outcome": outcome, "Outcome": WithdrawOutcome},
    )


def archive_list(request):
    page = Paginator(Newsletter.objects.archived(), 20).get_page(request.GET.get("page"))
    return render(request, "newsletters/archive_list.html", {"page": page})


def archive_detail(request, slug):
    newsletter = get_object_or_404(Newsletter.objects.archived(), slug=slug)
    return render(
        request,
        "newsletters/archive_detail.html",
        {"newsletter": newsletter, "cards": newsletter_cards(newsletter=newsletter)},
    )
