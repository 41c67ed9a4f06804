import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.selectors import user_is_member

from . import selectors, services
from .calendar import event_ics, events_feed_ics
from .filters import EventFilter
from .forms import SignupForm
from .models import Event, Registration

PAGE_SIZE = 24


@require_GET
def event_list(request):
    past = request.GET.get("past") == "1"
    events = EventFilter(request.GET or None, queryset=selectors.event_list(past=past))
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


def _detail_context(request, event: Event, form=None) -> dict:
    user = request.user
    registration = selectors.user_registration_for(event=event, user=user)
    problem = services.event_signup_problem(event=event)
    context = {
        "event": event,
        "sessions": list(event.sessions.all()),
        "registration": registration,
        "waiting_place": registration and selectors.waiting_list_place(registration=registration),
        "signup_problem": problem,
        "past": bool(event.last_end and event.last_end < timezone.now()),
        "is_member": user_is_member(user=user),
        **selectors.event_related(event=event, user=user),
    }
    if user.is_authenticated and registration is None and problem is None:
        context["form"] = form or SignupForm(event=event, user=user)
        context["your_price"] = services.signup_price(event=event, user=user)[1]
    return context


@require_GET
def event_detail(request, slug):
    event = selectors.event_for_viewer(slug=slug, user=request.user)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_POST
def event_signup(request, slug):
    event = selectors.event_for_viewer(slug=slug, user=request.user)
    form = SignupForm(request.POST, event=event, user=request.user)
    is_htmx = bool(request.headers.get("HX-Request"))
    if not form.is_valid():
        template = "events/detail.html#signup" if is_htmx else "events/detail.html"
        return render(request, template, _detail_context(request, event, form), status=400)
    try:
        registration = services.event_signup(
            event=event, user=request.user, answers=form.cleaned_data
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
    registrations = list(selectors.user_registrations(user=request.user))
    now = timezone.now()
    upcoming = [r for r in registrations if r.event_end and r.event_end >= now]
    upcoming.reverse()
    past = [r for r in registrations if not (r.event_end and r.event_end >= now)]
    return render(request, "events/mine.html", {"upcoming": upcoming, "past": past, "now": now})


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
    event = get_object_or_404(Event.objects.with_start().with_seat_counts(), slug=slug)
    query = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    if request.method == "POST":
        registration = get_object_or_404(
            Registration, pk=request.POST.get("registration") or 0, event=event
        )
        try:
            if request.POST.get("undo"):
                services.registration_move(
                    registration=registration,
                    status=Registration.Status.CONFIRMED,
                    actor=request.user,
                )
            else:
                services.registration_check_in(registration=registration, actor=request.user)
                messages.success(
                    request, _("%(person)s is checked in.") % {"person": registration.user}
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        url = request.path + (f"?q={query}" if query else "")
        if request.headers.get("HX-Request"):
            return _check_in_rows(request, event, query)
        return redirect(url)
    if request.headers.get("HX-Request"):
        return _check_in_rows(request, event, query)
    return render(request, "events/staff/check_in.html", _check_in_context(event, query))


def _check_in_context(event, query):
    """The rows that match, and the count over the whole event (not just the matches)."""
    everyone = selectors.check_in_list(event=event, query="")
    counts = {
        "attended": sum(1 for r in everyone if r.status == Registration.Status.ATTENDED),
        "total": len(everyone),
    }
    registrations = selectors.check_in_list(event=event, query=query) if query else everyone
    return {"event": event, "registrations": registrations, "query": query, "counts": counts}


def _check_in_rows(request, event, query):
    # The partial carries the count and the messages, so a tap updates "n of m checked in" and
    # its message shows at once instead of piling up for the next full page.
    return render(request, "events/staff/check_in.html#rows", _check_in_context(event, query))


@permission_required("events.view_registration", raise_exception=True)
@require_GET
def badges(request, slug):
    event = get_object_or_404(Event.objects.with_start(), slug=slug)
    return render(
        request,
        "events/staff/badges.html",
        {"event": event, "registrations": selectors.event_participants(event=event)},
    )


@permission_required("events.view_registration", raise_exception=True)
@require_GET
def certificates(request, slug):
    event = get_object_or_404(Event.objects.with_start(), slug=slug)
    registrations = selectors.event_participants(
        event=event, statuses=[Registration.Status.ATTENDED]
    )
    only = request.GET.get("registration", "")
    if only:
        registrations = registrations.filter(pk=int(only) if only.isdigit() else 0)
    return render(
        request,
        "events/staff/certificates.html",
        {
            "event": event,
            "registrations": registrations,
            "sessions": list(event.sessions.all()),
        },
    )


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
