import datetime
import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almennet import shell
from almennet.page_cache import CONTENT, personal, shared
from members.selectors import user_standing

from . import check_in as check_in_service
from . import pdf, pricing, selectors, services
from .calendar import event_ics, events_feed_ics
from .filters import EventFilter
from .forms import SignupForm, WalkInForm
from .models import Event, Registration

PAGE_SIZE = 24


@require_GET
def event_list(request):
    past = request.GET.get("past") == "1"
    events = EventFilter(
        request.GET or None, queryset=selectors.event_list(past=past), newest_first=past
    )
    page = Paginator(events.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "filter": events,
            "page": page,
            "past": past,
            "query": query.urlencode(),
            # A phone shows the filter form folded unless a filter is in use.
            "is_filtered": any(value for key, value in query.items() if key != "past"),
        },
    )


def _detail_context(request, event: Event, form=None, *, with_box: bool = True) -> dict:
    """The event page's context. Without `with_box`, what only the sign-up box shows (the
    form, the price) is left out: _signup_box() adds it when the box is rendered."""
    user = request.user
    registration = personal(
        "registration",
        lambda: selectors.user_registration_for(event=event, user=user),
        user,
        event.pk,
    )
    problem = services.event_signup_problem(event=event)
    standing = user_standing(user=user)  # membership, organisations and price: one query
    is_member = standing.is_member
    context = {
        "event": event,
        "registration": registration,
        "signup_problem": problem,
        "past": bool(event.last_end and event.last_end < timezone.now()),
        "is_member": is_member,
    }
    # Read only when the page is rendered whole or its shell is built (almennet.shell).
    context["shared_html"] = SimpleLazyObject(
        lambda: _shared_html(event=event, user=user, context=context)
    )
    context["standing"] = standing
    if with_box:
        _add_box_context(context, user=user, form=form)
    return context


def _add_box_context(context: dict, *, user, form=None) -> None:
    event, standing, registration = context["event"], context["standing"], context["registration"]
    context["waiting_place"] = registration and selectors.waiting_list_place(
        registration=registration
    )
    if user.is_authenticated and registration is None and not context["signup_problem"]:
        context["form"] = form or SignupForm(event=event, user=user, standing=standing)
        if form is None:
            context["form_fields_html"] = _unbound_fields_html(context["form"])
        context["your_price"] = pricing.signup_price(event=event, user=user, standing=standing)[1]
    if user.is_authenticated and not context["is_member"] and not event.is_free:
        context["pending_affiliations"] = selectors.user_pending_affiliation_names(user=user)


def _unbound_fields_html(form: SignupForm) -> str:
    """The empty sign-up form's fields are the same for everyone with the same choices and
    pre-filled values (the organisation's invoice details): rendered once per such form,
    language and content version. The CSRF token is outside them."""
    shape = [
        (name, str(bound.value() or ""), str(bound.help_text), bound.field.widget.attrs)
        for name, bound in ((name, form[name]) for name in form.fields)
    ]
    if "organisation" in form.fields:
        shape.append([o.pk for o in form.standing.organisations])
    digest = hashlib.sha256(repr(shape).encode()).hexdigest()
    return shared(
        "signup-fields",
        lambda: render_to_string("includes/_form_fields.html", {"form": form}),
        form.action,
        translation.get_language(),
        digest,
        on=(CONTENT,),
    )


# Where the practical card's seat counts go: the card is shared under the content version
# alone, the counts (which every sign-up changes) are filled in per request.
SEATS_SLOT = "<!-- seats -->"


def _shared_html(*, event: Event, user, context: dict) -> dict:
    """The event page's description, dates, related lists and practical card, rendered once per
    content version, language and kind of viewer (member or not) and shared; staff, who also
    see drafts, get their own. The seat counts in the card and the sign-up box are rendered
    per request, so a sign-up leaves the shared parts standing."""

    def build() -> dict:
        parts = {
            **context,
            **selectors.event_shared_parts(event=event, user=user),
            "seats_slot": mark_safe(SEATS_SLOT),  # noqa: S308 - a constant comment
        }
        return {
            "article": render_to_string("events/includes/_detail_article.html", parts),
            "practical": render_to_string("events/includes/_detail_practical.html", parts),
        }

    if user.is_authenticated and user.is_staff:
        html = build()
    else:
        html = shared(
            "event-html",
            build,
            event.pk,
            translation.get_language(),
            context["is_member"],
            context["past"],
            on=(CONTENT,),
        )
    return {
        "article": html["article"],
        "practical": html["practical"],  # with SEATS_SLOT, filled in per request
    }


def _seats_html(*, event: Event, past: bool) -> str:
    return render_to_string("events/includes/_seats.html", {"event": event, "past": past})


# A logged-in member's event page is the same for every member of a kind (member or not) but
# for the sign-up box, the seat counts, the messages and the CSRF token: almennet.shell keeps the
# rest (header, text, practical card, footer) once per content version, language and kind.
SIGNUP_SLOT = "<!-- signup -->"


def _detail_render(request, template: str, event: Event, context: dict, status: int = 200):
    """The page (or its sign-up box) rendered whole, the practical card's seats filled in."""
    seats = _seats_html(event=event, past=context["past"])
    practical = context["shared_html"]["practical"].replace(SEATS_SLOT, seats)
    context["shared_html"]["practical"] = mark_safe(practical)  # noqa: S308 - our own HTML
    return render(request, template, context, status=status)


def _signup_box(request, event: Event, context: dict) -> str:
    """The sign-up box of a member's event page, kept per person, event and language under
    what it shows moves: the content version (the event, the prices, where the person stands),
    the person's scope (their registration) and the event's (its seats and waiting list).
    Whether sign-up is open is asked per request and is part of the key."""

    def build() -> str:
        _add_box_context(context, user=request.user)
        return shell.render_partial(request, "events/detail.html#signup", context)

    return personal(
        "signup-box",
        build,
        request.user,
        event.pk,
        translation.get_language(),
        context["signup_problem"] or "",
        also=(f"event:{event.pk}",),
    )


def _detail_page(request, event: Event, context: dict) -> HttpResponse:
    if not shell.uses_shell(request):
        _add_box_context(context, user=request.user)
        return _detail_render(request, "events/detail.html", event, context)
    seats = _seats_html(event=event, past=context["past"])
    signup = _signup_box(request, event, context)
    return shell.render_member_page(
        request,
        "events/detail.html",
        {**context, "signup_slot": mark_safe(SIGNUP_SLOT)},  # noqa: S308 - a constant
        name="event",
        # the "Go to sign-up" bar at the foot of a phone's screen shows without a box state
        parts=(
            event.pk,
            context["is_member"],
            context["past"],
            bool(context["registration"] or context["signup_problem"]),
        ),
        fills={SEATS_SLOT: seats, SIGNUP_SLOT: signup},
    )


@require_GET
def event_detail(request, slug):
    event = selectors.event_for_viewer_shared(slug=slug, user=request.user)
    return _detail_page(request, event, _detail_context(request, event, with_box=False))


@login_required
@require_POST
def event_signup(request, slug):
    # No seat counts here: the service counts under the event's lock; the page shown again
    # after bad input or to htmx reads the event with its counts afresh.
    event = selectors.event_for_signup(slug=slug, user=request.user)
    form = SignupForm(request.POST, event=event, user=request.user)
    is_htmx = bool(request.headers.get("HX-Request"))
    if not form.is_valid():
        template = "events/detail.html#signup" if is_htmx else "events/detail.html"
        event = selectors.event_for_viewer(slug=slug, user=request.user)
        context = _detail_context(request, event, form)
        return _detail_render(request, template, event, context, status=400)
    try:
        registration = services.event_signup(
            event=event, user=request.user, answers=form.cleaned_data, standing=form.standing
        )
    except ValidationError as error:
        text, level = " ".join(error.messages), "danger"
    else:
        text, level = _status_message(registration), "success"
    if not is_htmx:
        messages.add_message(
            request, messages.SUCCESS if level == "success" else messages.ERROR, text
        )
        return redirect(event)
    event = selectors.event_for_viewer(slug=slug, user=request.user)  # fresh seat counts
    context = {
        **_detail_context(request, event),
        "signup_message": text,
        "signup_message_level": level,
    }
    return render(request, "events/detail.html#signup", context)


def _status_message(registration: Registration) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("You are signed up. A confirmation with a calendar file is on its way.")
    if registration.status == Registration.Status.WAITING:
        return _(
            "The event is full: you are on the waiting list. We write to you if a seat frees up."
        )
    return _("Thank you for your application. You will hear from us when it has been assessed.")


@require_GET
def event_ics_download(request, slug):
    event = selectors.event_for_viewer(slug=slug, user=request.user)
    response = HttpResponse(event_ics(event=event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def events_feed(request):
    since = timezone.now() - timezone.timedelta(days=365)
    events = (
        Event.objects.published()
        .with_start()
        .filter(last_end__gte=since)
        .order_by("first_start")
        .prefetch_related("sessions")
    )
    response = HttpResponse(
        events_feed_ics(events=events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="almennet.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@login_required
@require_GET
def my_registrations(request):
    # Upcoming and past are told apart by the minute: the member's part of the page is kept
    # per person and minute (under the content version and their scope, which their
    # registrations move) and read in one piece.
    now = timezone.now().replace(second=0, microsecond=0)

    def context() -> dict:
        registrations = personal(
            "registrations",
            lambda: list(selectors.user_registration_list(user=request.user)),
            request.user,
        )
        upcoming = [r for r in registrations if r.event_end and r.event_end >= now]
        upcoming.reverse()
        past = [r for r in registrations if not (r.event_end and r.event_end >= now)]
        return {"upcoming": upcoming, "past": past, "now": now}

    return shell.render_member_page(
        request,
        "events/mine.html",
        context,
        name="my-registrations",
        parts=(now.isoformat(),),
        personal_partial="mine",
        personal_kept_under=(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk):
    registration = selectors.registration_of_user_or_404(user=request.user, pk=pk)
    event = registration.event
    is_late = bool(event.cancellation_deadline and timezone.now() > event.cancellation_deadline)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied:
            raise
        else:
            messages.success(
                request, _("Your registration for %(event)s is cancelled.") % {"event": event}
            )
        return redirect("events:mine")
    return render(
        request,
        "events/cancel_confirm.html",
        {
            "registration": registration,
            "event": event,
            "is_late": is_late,
            "is_liable": is_late
            and registration.status == Registration.Status.CONFIRMED
            and registration.price > 0,
        },
    )


# --- the secretariat's pages --------------------------------------------------------------------


@permission_required("events.change_registration", raise_exception=True)
@require_http_methods(["GET", "POST"])
def check_in(request, slug):
    """The door on the day: find a person (or scan their badge), check them in to today's
    session, add a walk-in. Before the event's day the list shows, but nothing changes."""
    event = get_object_or_404(Event.objects.with_start().with_seat_counts(), slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "")[:200]
    session = _check_in_session(event, data.get("session"))
    walk_in_form = WalkInForm(prefix="walk_in")
    if request.method == "POST":
        try:
            if data.get("walk_in"):
                walk_in_form = WalkInForm(data, prefix="walk_in")
                if walk_in_form.is_valid():
                    registration = check_in_service.walk_in_add(
                        event=event,
                        actor=request.user,
                        session=session,
                        **walk_in_form.cleaned_data,
                    )
                    walk_in_form = WalkInForm(prefix="walk_in")
                    messages.success(
                        request,
                        _("%(person)s is added and checked in.")
                        % {"person": registration.person_name},
                    )
            else:
                registration = get_object_or_404(
                    Registration, pk=_int(data.get("registration")), event=event
                )
                if data.get("undo"):
                    check_in_service.session_check_in_undo(
                        registration=registration, actor=request.user, session=session
                    )
                else:
                    check_in_service.session_check_in(
                        registration=registration, actor=request.user, session=session
                    )
                    messages.success(
                        request,
                        _("%(person)s is checked in.") % {"person": registration.person_name},
                    )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        if request.headers.get("HX-Request") and not walk_in_form.errors:
            return _check_in_rows(request, event, query, session)
        if not walk_in_form.errors:
            url = (
                request.path
                + "?"
                + urlencode(
                    {k: v for k, v in {"q": query, "session": session and session.pk}.items() if v}
                )
            )
            return redirect(url.rstrip("?"))
    if request.headers.get("HX-Request"):
        return _check_in_rows(request, event, query, session)
    context = _check_in_context(event, query, session, code=request.GET.get("code", ""))
    context["walk_in_form"] = walk_in_form
    return render(request, "events/staff/check_in.html", context)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _check_in_session(event, session_id):
    """The session checked in to: the one asked for when it is today's, else today's first."""
    today = check_in_service.sessions_on(event=event, day=timezone.localdate())
    for session in today:
        if str(session.pk) == str(session_id or ""):
            return session
    return today[0] if today else None


def _check_in_context(event, query, session, code=""):
    """The rows that match, and the count over the whole event (not just the matches)."""
    everyone = list(selectors.check_in_list(event=event, query="", session=session))
    attended = (
        sum(1 for r in everyone if r.in_session)
        if session
        else sum(1 for r in everyone if r.status == Registration.Status.ATTENDED)
    )
    counts = {"attended": attended, "total": len(everyone)}
    registrations = everyone
    scanned = None
    if code:
        scanned_id = check_in_service.badge_registration_id(code=code)
        registrations = [r for r in everyone if r.pk == scanned_id]
        scanned = bool(registrations)
    elif query:
        registrations = list(selectors.check_in_list(event=event, query=query, session=session))
    return {
        "event": event,
        "registrations": registrations,
        "query": query,
        "counts": counts,
        "session": session,
        "sessions_today": check_in_service.sessions_on(event=event, day=timezone.localdate()),
        "problem": check_in_service.check_in_problem(event=event),
        "code": code,
        "scanned": scanned,
    }


def _check_in_rows(request, event, query, session):
    # The partial carries the count and the messages, so a tap updates "n of m checked in" and
    # its message shows at once instead of piling up for the next full page.
    return render(
        request, "events/staff/check_in.html#rows", _check_in_context(event, query, session)
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("events.view_registration", raise_exception=True)
@require_GET
def badges(request, slug):
    """All name badges of the event as one PDF, each with the QR code of its check-in."""
    event = get_object_or_404(Event.objects.with_start(), slug=slug)
    content = pdf.badges_pdf(
        event=event,
        registrations=selectors.event_participants(event=event),
        language=translation.get_language(),
    )
    return _pdf_response(content, f"navneskilte-{event.slug}.pdf")


@permission_required("events.view_registration", raise_exception=True)
@require_GET
def certificates(request, slug):
    """Certificates of attendance as one PDF: courses only, for those who attended."""
    event = get_object_or_404(Event.objects.with_start(), slug=slug)
    if not event.is_course:
        raise Http404(_("Certificates are given for courses only."))
    registrations = selectors.event_participants(
        event=event, statuses=[Registration.Status.ATTENDED]
    )
    only = request.GET.get("registration", "")
    if only:
        registrations = registrations.filter(pk=_int(only))
    content = pdf.certificates_pdf(
        event=event,
        registrations=registrations,
        sessions=list(event.sessions.all()),
        language=translation.get_language(),
    )
    return _pdf_response(content, f"kursusbeviser-{event.slug}.pdf")


@permission_required("events.view_registration", raise_exception=True)
@require_GET
def statistics(request):
    starts_on = _date_param(request.GET.get("from"))
    ends_on = _date_param(request.GET.get("to"))
    events = Event.objects.all()
    if starts_on:
        events = events.with_start().filter(first_start__date__gte=starts_on)
    if ends_on:
        events = events.with_start().filter(first_start__date__lte=ends_on)
    return render(
        request,
        "events/staff/statistics.html",
        {
            "events": selectors.event_statistics(events=events)[:200],
            "organisations": selectors.organisation_statistics(start=starts_on, end=ends_on),
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )


def _date_param(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None
