"""Reads for the events pages, the member panels and the engagement report."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from almennet.compiled import CompiledQuery
from almennet.page_cache import CONTENT, shared
from almennet.related import related_lists

from .models import Event, EventSession, Registration, SessionAttendance

Status = Registration.Status


def event_list(*, past: bool = False, now=None):
    """Published events with dates and seat counts, for the list page, in one query."""
    events = Event.objects.published()
    events = events.past(now) if past else events.upcoming(now)
    return events.with_seat_counts()


def _visible_events(user):
    """Published events (staff also see drafts), with their first start."""
    events = Event.objects.with_start()
    if not (user.is_authenticated and user.is_staff):
        events = events.published()
    return events


def event_for_viewer(*, slug: str, user):
    """A published event (staff also see drafts), with its seat counts."""
    return get_object_or_404(_visible_events(user).with_seat_counts(), slug=slug)


def event_for_viewer_shared(*, slug: str, user):
    """event_for_viewer() for the event page: for everybody but staff (who also see drafts)
    the event with its seat counts is the same, so it is shared (almennet/page_cache.py): the
    event under the content version, its seat counts under the content version and the event's
    scope, which its registrations move, so a sign-up renews the counts of that event only."""
    if user.is_authenticated and user.is_staff:
        return event_for_viewer(slug=slug, user=user)
    event = _event_shared(slug=slug, user=user)
    counts = shared(
        "event-seats",
        lambda: event_seat_counts(event=event),
        event.pk,
        on=(CONTENT, f"event:{event.pk}"),
    )
    for name, value in counts.items():
        setattr(event, name, value)
    return event


def event_seat_counts(*, event: Event) -> dict:
    """confirmed_count, waiting_count and seats_left of one event, as with_seat_counts() gives
    them."""
    return Event.objects.seat_counts_of(event)


def event_shared_parts(*, event: Event, user) -> dict:
    """What every viewer of a kind (member or not; staff apart) sees alike on the event page:
    its sessions and what other apps link to it. events.views renders them once per content
    version and kind of viewer and shares the HTML."""
    return {"sessions": list(event.sessions.all()), **event_related(event=event, user=user)}


def _event_shared(*, slug: str, user):
    """A published event with its first start, kept under the content version (which every
    committed change of an event moves): not for staff, who also see drafts."""
    return shared(
        "event",
        lambda: get_object_or_404(_visible_events(user), slug=slug),
        slug,
        on=(CONTENT,),
    )


def event_for_signup(*, slug: str, user):
    """The event a sign-up POST is for, by the same visibility rule as `event_for_viewer`,
    with its first start but without the seat counts (the service counts under the lock).
    Members get the copy their event page read (the service locks the row and reads its
    capacity afresh); staff read it from the database."""
    if user.is_authenticated and user.is_staff:
        return get_object_or_404(_visible_events(user), slug=slug)
    return _event_shared(slug=slug, user=user)


def event_related(*, event: Event, user) -> dict:
    """What the apps above events link to the event (focus areas, projects, publications),
    as they registered it in almennet/related.py; keys are the kinds, lists what the viewer
    may see."""
    return related_lists(obj=event, user=user)


# At most one is active (a constraint); ordered by pk, not by the default ordering, which
# joins the event for its dates. Compiled once: every member's first look at an event asks.
_REGISTRATION_FOR = CompiledQuery(
    lambda event, user: (
        Registration.objects.active()
        .filter(event_id=event, user_id=user)
        .select_related("organisation")
        .order_by("pk")[:1]
    ),
    event=int,
    user=int,
)


def user_registration_for(*, event: Event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return _REGISTRATION_FOR.first(event=event.pk, user=user.pk)


def waiting_list_place(*, registration: Registration) -> int | None:
    """1 for the first in line, counted among those still waiting."""
    if registration.status != Status.WAITING:
        return None
    ahead = (
        Registration.objects.filter(event_id=registration.event_id, status=Status.WAITING)
        .filter(
            Q(waiting_position__lt=registration.waiting_position)
            | Q(waiting_position=registration.waiting_position, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def user_registrations(*, user):
    """The user's registrations with their events' dates, the next event first."""
    sessions = EventSession.objects.filter(event=OuterRef("event")).order_by("starts_at")
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "organisation")
        .annotate(
            event_start=Subquery(sessions.values("starts_at")[:1]),
            event_end=Subquery(
                EventSession.objects.filter(event=OuterRef("event"))
                .order_by("-ends_at")
                .values("ends_at")[:1]
            ),
        )
        .order_by("-event_start", "-pk")
    )


# What the lists of a person's registrations show (/events/mine/, the panel on my page): the
# rest of the event's forty columns cost more to select and build than the rows themselves.
REGISTRATION_LIST_FIELDS = (
    "id",
    "user_id",
    "event_id",
    "status",
    "liability",
    "price",
    "price_category",
    "event__id",
    "event__title",
    "event__slug",
)


def user_registration_list(*, user):
    """user_registrations() for the lists: only the columns they show."""
    return (
        user_registrations(user=user)
        .select_related(None)
        .select_related("event")
        .only(*REGISTRATION_LIST_FIELDS)
    )


def registration_of_user_or_404(*, user, pk: int) -> Registration:
    """Someone else's registration is a 404, never a hint that it exists."""
    return get_object_or_404(Registration.objects.select_related("event"), pk=pk, user=user)


def check_in_list(*, event: Event, query: str = "", session=None):
    """The people with a seat, walk-ins included; with a session, each row knows whether the
    person is checked in to it (in_session)."""
    registrations = (
        Registration.objects.filter(event=event, status__in=Registration.SEAT_STATUSES)
        .select_related("user", "organisation")
        .order_by("user__first_name", "user__last_name", "walk_in_name", "pk")
    )
    if session is not None:
        registrations = registrations.annotate(
            in_session=Exists(
                SessionAttendance.objects.filter(registration=OuterRef("pk"), session=session)
            )
        )
    query = (query or "").strip()[:100]
    if query:
        for word in query.split():
            registrations = registrations.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__short_name__icontains=word)
                | Q(walk_in_name__icontains=word)
                | Q(walk_in_organisation__icontains=word)
            )
    return registrations


def event_participants(*, event: Event, statuses: Iterable[str] = Registration.SEAT_STATUSES):
    return (
        Registration.objects.filter(event=event, status__in=list(statuses))
        .select_related("user", "organisation", "event")
        .order_by("user__last_name", "user__first_name", "walk_in_name", "pk")
    )


# --- statistics --------------------------------------------------------------------------------


def _count(status_filter: Q):
    return Count("registrations", filter=status_filter)


def event_statistics(*, events=None):
    """Per event: sign-ups, confirmed seats, waiting, cancelled, attended, no-shows."""
    events = events if events is not None else Event.objects.all()
    return (
        events.with_start()
        .annotate(
            signups=_count(~Q(registrations__status=Status.REJECTED)),
            confirmed=_count(Q(registrations__status__in=Registration.SEAT_STATUSES)),
            waiting=_count(Q(registrations__status=Status.WAITING)),
            cancelled=_count(Q(registrations__status=Status.CANCELLED)),
            attended=_count(Q(registrations__status=Status.ATTENDED)),
            no_shows=_count(Q(registrations__status=Status.NO_SHOW)),
        )
        .order_by("-first_start", "-pk")
    )


def organisation_statistics(
    *, start: datetime.date | None = None, end: datetime.date | None = None
):
    """Per organisation: sign-ups and attendance at events starting in the period."""
    from members.models import Organisation

    registrations = _registrations_in_period(start=start, end=end)
    rows = (
        registrations.exclude(organisation=None)
        .values("organisation")
        .annotate(
            signups=Count("pk", filter=~Q(status__in=Registration.INACTIVE_STATUSES)),
            attended=Count("pk", filter=Q(status=Status.ATTENDED)),
            no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
            events=Count(
                "event", distinct=True, filter=~Q(status__in=Registration.INACTIVE_STATUSES)
            ),
        )
        .order_by()
    )
    by_id = {row["organisation"]: row for row in rows}
    organisations = Organisation.objects.filter(pk__in=by_id).order_by("name")
    return [{**by_id[o.pk], "organisation": o} for o in organisations]


def _registrations_in_period(*, start=None, end=None):
    first_start = Subquery(
        EventSession.objects.filter(event=OuterRef("event"))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    registrations = Registration.objects.annotate(event_start=first_start)
    if start:
        registrations = registrations.filter(event_start__date__gte=start)
    if end:
        registrations = registrations.filter(event_start__date__lte=end)
    return registrations


def organisation_metric(
    *, organisation_ids: Iterable[int], start: datetime.date, end: datetime.date, attended: bool
) -> dict[int, int]:
    """For the members engagement report: sign-ups (active or attended) or attendances per
    organisation at events starting within [start, end]."""
    registrations = _registrations_in_period(start=start, end=end).filter(
        organisation_id__in=list(organisation_ids)
    )
    if attended:
        registrations = registrations.filter(status=Status.ATTENDED)
    else:
        registrations = registrations.exclude(status__in=Registration.INACTIVE_STATUSES)
    rows = registrations.values("organisation_id").annotate(n=Count("pk")).order_by()
    return {row["organisation_id"]: row["n"] for row in rows}


def organisation_event_participation(*, organisation, limit: int = 10) -> list[dict]:
    """The organisation page's panel: its latest events with how many came from it."""
    events = (
        Event.objects.published()
        .with_start()
        .filter(
            Exists(Registration.objects.filter(event=OuterRef("pk"), organisation=organisation))
        )
        .annotate(
            from_organisation=Count(
                "registrations",
                filter=Q(registrations__organisation=organisation)
                & ~Q(registrations__status__in=Registration.INACTIVE_STATUSES),
            ),
            attended_from_organisation=Count(
                "registrations",
                filter=Q(
                    registrations__organisation=organisation, registrations__status=Status.ATTENDED
                ),
            ),
        )
        .order_by("-first_start")[:limit]
    )
    return list(events)


def now() -> datetime.datetime:
    return timezone.now()


def user_pending_affiliation_names(*, user) -> list[str]:
    """The organisations a person has asked to be affiliated with, still unconfirmed: the event
    page tells them their sign-up is re-priced when the secretariat confirms."""
    from members.models import Affiliation

    return list(
        Affiliation.objects.filter(user=user, confirmed_at__isnull=True)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
