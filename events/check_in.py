"""The day itself: check-in per session on the event's days (Copenhagen dates), walk-ins added
at the door, and the code on a name badge that the check-in page accepts.

Before the event's first day nothing here changes a registration: it stays confirmed (its
owner can still cancel), gets no certificate and is not counted as attended.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Event, EventSession, Registration, SessionAttendance
from .services import _lock_event, _log, _require_staff

Status = Registration.Status
BADGE_SALT = "events.badge"
CHECK_IN_STATUSES = (Status.CONFIRMED, Status.NO_SHOW, Status.ATTENDED)


def session_days(session: EventSession) -> set[datetime.date]:
    start, end = timezone.localdate(session.starts_at), timezone.localdate(session.ends_at)
    return {start + datetime.timedelta(days=n) for n in range((end - start).days + 1)}


def sessions_on(*, event: Event, day: datetime.date) -> list[EventSession]:
    """The event's sessions held on this Copenhagen date."""
    return [s for s in event.sessions.all() if day in session_days(s)]


def check_in_problem(*, event: Event, session: EventSession | None = None, now=None):
    """Why check-in is closed right now (a translated sentence), or None on the event's day
    (on the session's day when a session is given)."""
    today = timezone.localdate(now or timezone.now())
    sessions = list(event.sessions.all())
    if not sessions:
        return _("The event has no sessions yet.")
    days = sorted(set().union(*(session_days(s) for s in sessions)))
    if today < days[0]:
        return _("Check-in opens on the day of the event (%(date)s).") % {
            "date": formats.date_format(days[0], "DATE_FORMAT")
        }
    if today > days[-1]:
        return _("The event has taken place; check-in is closed.")
    if today not in days:
        return _("No session of the event is held today.")
    if session is not None and today not in session_days(session):
        return _("This session is not today.")
    return None


def _session_of(event: Event, session: EventSession | None, now) -> EventSession:
    if session is not None and session.event_id != event.pk:
        raise ValidationError(_("That session belongs to another event."), code="session")
    problem = check_in_problem(event=event, session=session, now=now)
    if problem:
        raise ValidationError(problem, code="not_today")
    if session is None:
        today = sessions_on(event=event, day=timezone.localdate(now))
        session = today[0]
    return session


@transaction.atomic
def session_check_in(
    *, registration: Registration, actor, session: EventSession | None = None, now=None
) -> Registration:
    """Check a participant in to a session held today (the first of today's when none is
    given). The first check-in makes the registration attended."""
    _require_staff(actor)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    session = _session_of(registration.event, session, now)
    if registration.status not in CHECK_IN_STATUSES:
        raise ValidationError(
            _("Only confirmed participants can be checked in (status: %(status)s).")
            % {"status": registration.get_status_display()},
            code="not_confirmed",
        )
    if SessionAttendance.objects.filter(registration=registration, session=session).exists():
        raise ValidationError(
            _("%(person)s is already checked in.") % {"person": registration.person_name},
            code="twice",
        )
    SessionAttendance.objects.create(registration=registration, session=session, checked_in_at=now)
    previous = registration.status
    if previous != Status.ATTENDED:
        registration.status = Status.ATTENDED
        registration.checked_in_at = now
        registration.save(update_fields=["status", "checked_in_at"])
    _log(
        registration,
        actor=actor,
        action="session_checked_in",
        from_status=previous,
        note=str(session),
    )
    return registration


@transaction.atomic
def session_check_in_undo(
    *, registration: Registration, actor, session: EventSession | None = None, now=None
) -> Registration:
    """Take back a check-in made by mistake (today only). Without any session left the
    registration is confirmed again."""
    _require_staff(actor)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    session = _session_of(registration.event, session, now)
    deleted, _rows = SessionAttendance.objects.filter(
        registration=registration, session=session
    ).delete()
    if not deleted:
        raise ValidationError(_("This person is not checked in to this session."), code="not_in")
    previous = registration.status
    if previous == Status.ATTENDED and not registration.attendances.exists():
        registration.status = Status.CONFIRMED
        registration.checked_in_at = None
        registration.save(update_fields=["status", "checked_in_at"])
    _log(
        registration,
        actor=actor,
        action="session_check_in_undone",
        from_status=previous,
        note=str(session),
    )
    return registration


@transaction.atomic
def walk_in_add(
    *,
    event: Event,
    actor,
    name: str,
    organisation: str = "",
    email: str = "",
    session: EventSession | None = None,
    now=None,
) -> Registration:
    """Someone who did not sign up comes to the door: they are registered and checked in at
    once. No account is made; no price is set (the secretariat invoices by hand if needed)."""
    _require_staff(actor)
    now = now or timezone.now()
    name = " ".join(str(name or "").split())[:200]
    if not name:
        raise ValidationError({"name": _("Write the person's name.")}, code="name")
    session = _session_of(event, session, now)
    event = _lock_event(event)
    registration = Registration(
        event=event,
        is_walk_in=True,
        walk_in_name=name,
        walk_in_organisation=" ".join(str(organisation or "").split())[:200],
        walk_in_email=str(email or "").strip()[:254],
        status=Status.ATTENDED,
        price_category=Registration.PriceCategory.NON_MEMBER,
        price=0,
        created_at=now,
        confirmed_at=now,
        checked_in_at=now,
    )
    registration.full_clean(exclude=["user", "organisation", "event"])
    registration.save()
    SessionAttendance.objects.create(registration=registration, session=session, checked_in_at=now)
    _log(registration, actor=actor, action="walk_in", note=str(session))
    return registration


# --- the code on a badge -----------------------------------------------------------------------


def badge_code(*, registration: Registration) -> str:
    return signing.Signer(salt=BADGE_SALT).sign(str(registration.pk))


def badge_url(*, registration: Registration) -> str:
    """What the badge's QR code holds: the check-in page showing this participant."""
    path = reverse("events:check_in", args=[registration.event.slug])
    return f"{settings.SITE_URL}{path}?code={badge_code(registration=registration)}"


def badge_registration_id(*, code: str) -> int | None:
    """The registration a scanned badge names (the code, or the whole URL a scanner types),
    or None for anything else."""
    code = (code or "").strip()
    if "code=" in code:
        code = code.split("code=", 1)[1].split("&", 1)[0]
    try:
        value = signing.Signer(salt=BADGE_SALT).unsign(code)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
