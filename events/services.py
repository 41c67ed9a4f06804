"""Every write to events and registrations. Views, admin actions and tasks call these.

Seats are counted and taken while the event row is locked (``SELECT ... FOR UPDATE``) inside
the caller's transaction, as late as possible and before the availability check, so that two
sign-ups can never both see the last seat free (pretix's "lock late").
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activity.services import actions_scrub, record
from almennet.compiled import CompiledQuery
from members.selectors import Standing, user_standing

from . import mail
from .models import Event, Registration, SessionAttendance
from .pricing import signup_billing, signup_organisation, signup_price

Status = Registration.Status

# Which moves the secretariat may make by hand, from each status.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.CONFIRMED, Status.WAITING, Status.REJECTED, Status.CANCELLED},
    Status.WAITING: {Status.CONFIRMED, Status.REJECTED, Status.CANCELLED},
    Status.CONFIRMED: {Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED},
    Status.ATTENDED: {Status.CONFIRMED, Status.NO_SHOW},
    Status.NO_SHOW: {Status.CONFIRMED, Status.ATTENDED},
    Status.CANCELLED: set(),
    Status.REJECTED: set(),
}


# --- helpers ---------------------------------------------------------------------------------


def _log(registration: Registration, *, actor, action: str, from_status: str = "", note=""):
    """One row of the action log (verb "registration.<action>"), with the status move."""
    record(
        actor,
        f"registration.{action}",
        registration,
        event=registration.event_id,
        from_status=from_status,
        to_status=registration.status,
        note=str(note)[:500],
    )


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event).holding_seats().count()


def _next_waiting_position(event: Event) -> int:
    highest = Registration.objects.filter(event=event).aggregate(m=Max("waiting_position"))["m"]
    return (highest or 0) + 1


# The lock a sign-up takes, compiled once (almennet/compiled.py): every sign-up of a rush
# waits for the one before it, so what it does under the lock is kept small (the count is
# Event.objects.seats_taken_and_last_in_line, compiled too).
_LOCK_FOR_SIGNUP = CompiledQuery(
    lambda event: (
        Event.objects.select_for_update()
        .filter(pk=event)
        .values_list("capacity", "requires_approval")
    ),
    event=int,
)


def _lock_event_for_signup(event: Event) -> tuple[int, bool]:
    """Lock the event's row and read the two columns a sign-up needs: capacity and whether
    it needs approval."""
    found = _LOCK_FOR_SIGNUP.rows(event=event.pk)
    if not found:
        raise Event.DoesNotExist(f"event {event.pk} is gone")
    return found[0]


def _seats_and_last_in_line(event: Event) -> tuple[int, int]:
    """The seats taken and the last waiting position, in one query. Under the event's lock, as
    a statement of its own after the lock: a subquery of the locking statement would count
    from before the wait."""
    return Event.objects.seats_taken_and_last_in_line(event)


def _first_start(event: Event) -> datetime.datetime | None:
    if "first_start" in event.__dict__:  # annotated by Event.objects.with_start()
        return event.first_start
    return event.sessions.aggregate(v=Min("starts_at"))["v"]


def _is_staff_actor(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.has_perm("events.change_registration"))


def _date(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- reads the services and the views share -------------------------------------------------------


def event_signup_problem(*, event: Event, user=None, now=None) -> str | None:
    """Why a sign-up is refused right now (a translated sentence), or None when it is open.
    With a user, also refuses a second active registration."""
    now = now or timezone.now()
    if not event.is_published:
        return _("This event is not open for sign-up.")
    first_start = _first_start(event)
    if first_start is None or first_start <= now:
        return _("This event has already started or taken place; sign-up is closed.")
    if event.signup_opens_at and now < event.signup_opens_at:
        return _("Sign-up opens %(date)s.") % {"date": _date(event.signup_opens_at)}
    if event.signup_closes_at and now > event.signup_closes_at:
        return _("Sign-up closed %(date)s.") % {"date": _date(event.signup_closes_at)}
    if (
        user is not None
        and user.is_authenticated
        and Registration.objects.active().filter(event=event, user=user).exists()
    ):
        return _("You are already signed up for this event.")
    return None


# --- sign-up ---------------------------------------------------------------------------------


def _signup(
    *,
    event: Event,
    user,
    answers: Mapping[str, Any],
    actor,
    by_staff: bool,
    standing: Standing | None = None,
):
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Log in to sign up."), code="anonymous")
    answers = dict(answers or {})
    if by_staff:
        if not event.is_published and not _is_staff_actor(actor):
            raise PermissionDenied
    else:
        problem = event_signup_problem(event=event)
        if problem:
            raise ValidationError(problem, code="closed")
    # A second registration is refused by the one-active-registration constraint at the
    # insert below (no look-up first: one query less for every sign-up in a rush).
    # One query for the organisation and the price (none when the form has read it already).
    standing = standing or user_standing(user=user)
    organisation = signup_organisation(
        user=user, chosen=answers.get("organisation"), standing=standing
    )
    category, price = signup_price(event=event, user=user, standing=standing)
    billing = signup_billing(organisation=organisation, price=price, answers=answers)
    registration = Registration(
        event=event,
        user=user,
        organisation=organisation,
        price_category=category,
        price=price,
        dietary_needs=str(answers.get("dietary_needs") or "")[:300],
        comment=str(answers.get("comment") or "")[:2000],
        motivation=str(answers.get("motivation") or "")[:4000] if event.requires_approval else "",
        **billing,
    )

    # The event's row lock is held from here to the commit: count, insert, and write the log
    # row and the mail's intent (small inserts). Nothing is rendered while others wait; the
    # confirmation and its calendar file are rendered by the worker after commit.
    with transaction.atomic():
        capacity, requires_approval = _lock_event_for_signup(event)
        now = timezone.now()  # after the lock: created_at is the arrival order
        registration.created_at = now
        if requires_approval and not by_staff:
            registration.status = Status.PENDING
        else:
            taken, last_in_line = _seats_and_last_in_line(event)
            if taken < capacity:
                registration.status = Status.CONFIRMED
                registration.confirmed_at = now
            else:
                registration.status = Status.WAITING
                registration.waiting_position = last_in_line + 1
        try:
            # No savepoint: a clash ends this transaction anyway (the error leaves the block).
            registration.save(force_insert=True)
        except IntegrityError as error:
            raise ValidationError(
                _("You are already signed up for this event."), code="twice"
            ) from error
        _log(registration, actor=actor, action="added_by_staff" if by_staff else "signed_up")
        mail.registration_mail_queue(
            registration=registration, kind=_mail_kind_for(registration), new_registration=True
        )
    return registration


def _mail_kind_for(registration: Registration) -> str:
    return {
        Status.CONFIRMED: mail.CONFIRMATION,
        Status.WAITING: mail.WAITING,
        Status.PENDING: mail.PENDING,
    }[registration.status]


def event_signup(
    *,
    event: Event,
    user,
    answers: Mapping[str, Any] | None = None,
    standing: Standing | None = None,
) -> Registration:
    """Sign the user up: confirmed while seats are free, else on the waiting list in arrival
    order; pending for events that need approval. The price comes from the members rule.
    Raises ValidationError (sign-up closed, twice, foreign organisation); queues the mail.
    `standing` is the user's, read this request (user_standing), if the caller has it."""
    return _signup(
        event=event,
        user=user,
        answers=answers or {},
        actor=user,
        by_staff=False,
        standing=standing,
    )


def registration_add_by_staff(
    *, event: Event, user, actor, answers: Mapping[str, Any] | None = None
) -> Registration:
    """The secretariat adds a participant by hand: outside the sign-up window and without the
    approval step, but never past capacity (the rest go on the waiting list)."""
    if not _is_staff_actor(actor):
        raise PermissionDenied
    return _signup(event=event, user=user, answers=answers or {}, actor=actor, by_staff=True)


# --- cancel and the waiting list ---------------------------------------------------------------


@transaction.atomic
def registration_cancel(*, registration: Registration, actor, now=None) -> Registration:
    """Cancel a registration (its owner, or staff). A freed seat goes to the first on the
    waiting list. A paid seat cancelled after the deadline is recorded as owing the full price,
    waived when someone from the waiting list takes the seat."""
    now = now or timezone.now()
    is_staff = _is_staff_actor(actor)
    if not is_staff and (actor is None or registration.user_id != actor.pk):
        raise PermissionDenied
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in Registration.INACTIVE_STATUSES:
        raise ValidationError(_("This registration is already cancelled."), code="inactive")
    if registration.status in (Status.ATTENDED, Status.NO_SHOW):
        raise ValidationError(
            _("The event has taken place; attendance can no longer be cancelled."), code="past"
        )
    first_start = _first_start(event)
    if not is_staff and first_start is not None and first_start <= now:
        raise ValidationError(
            _("The event has started; please contact the secretariat."), code="started"
        )
    previous = registration.status
    held_seat = previous == Status.CONFIRMED
    is_late = bool(event.cancellation_deadline and now > event.cancellation_deadline)
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    if held_seat and is_late and registration.price > 0:
        registration.liability = Registration.Liability.FULL_PRICE
    registration.save()
    _log(
        registration,
        actor=actor,
        action="cancelled",
        from_status=previous,
        note=_("after the cancellation deadline") if is_late else "",
    )
    if held_seat:
        promoted = registration_promote_next(event=event, actor=actor)
        if promoted and registration.liability == Registration.Liability.FULL_PRICE:
            registration.liability = Registration.Liability.WAIVED
            registration.liability_waived_at = now
            registration.save(update_fields=["liability", "liability_waived_at"])
            _log(
                registration,
                actor=actor,
                action="liability_waived",
                from_status=registration.status,
                note=_("seat taken by %(person)s from the waiting list")
                % {"person": promoted.user},
            )
    mail.registration_mail_queue(registration=registration, kind=mail.CANCELLATION)
    return registration


@transaction.atomic
def registration_promote_next(*, event: Event, actor=None) -> Registration | None:
    """Give a free seat to the first person on the waiting list (arrival order) and tell them
    by mail. Returns the promoted registration, or None when no seat or nobody waits."""
    event = _lock_event(event)
    if _seats_taken(event) >= event.capacity:
        return None
    registration = Registration.objects.filter(event=event).waiting().select_for_update().first()
    if registration is None:
        return None
    registration.status = Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_at"])
    _log(registration, actor=actor, action="promoted", from_status=Status.WAITING)
    mail.registration_mail_queue(registration=registration, kind=mail.PROMOTION)
    return registration


@transaction.atomic
def registration_promote_waiting(*, event: Event, actor=None) -> list[Registration]:
    """Fill every free seat from the waiting list, e.g. after the capacity was raised."""
    promoted = []
    while (registration := registration_promote_next(event=event, actor=actor)) is not None:
        promoted.append(registration)
    return promoted


# --- the secretariat's moves -------------------------------------------------------------------


def _require_staff(actor) -> None:
    if not _is_staff_actor(actor):
        raise PermissionDenied


@transaction.atomic
def registration_approve(*, registration: Registration, actor) -> Registration:
    """Admit an application: confirmed while seats are free, else onto the waiting list."""
    _require_staff(actor)
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.PENDING:
        raise ValidationError(
            _("Only applications awaiting approval can be approved."), code="not_pending"
        )
    if _seats_taken(event) < event.capacity:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        kind = mail.CONFIRMATION
    else:
        registration.status = Status.WAITING
        registration.waiting_position = _next_waiting_position(event)
        kind = mail.WAITING
    registration.save()
    _log(registration, actor=actor, action="approved", from_status=Status.PENDING)
    mail.registration_mail_queue(registration=registration, kind=kind)
    return registration


@transaction.atomic
def registration_reject(*, registration: Registration, actor, reason: str = "") -> Registration:
    """Turn down an application (or a place on the waiting list)."""
    _require_staff(actor)
    _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (Status.PENDING, Status.WAITING):
        raise ValidationError(
            _("Only applications and people on the waiting list can be rejected."),
            code="not_rejectable",
        )
    previous = registration.status
    registration.status = Status.REJECTED
    registration.save(update_fields=["status"])
    _log(registration, actor=actor, action="rejected", from_status=previous, note=reason)
    mail.registration_mail_queue(registration=registration, kind=mail.REJECTION)
    return registration


def _before_first_day(event: Event, now=None) -> bool:
    first_start = _first_start(event)
    today = timezone.localdate(now or timezone.now())
    return first_start is None or today < timezone.localdate(first_start)


@transaction.atomic
def registration_check_in(*, registration: Registration, actor, now=None) -> Registration:
    """Mark a confirmed participant as present at the whole event (from the event's first day
    on; the check-in page checks in per session): every session begun by now counts."""
    _require_staff(actor)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if _before_first_day(registration.event, now):
        raise ValidationError(
            _("The event has not begun; attendance can be recorded from its first day."),
            code="before_event",
        )
    if registration.status == Status.ATTENDED:
        raise ValidationError(
            _("%(person)s is already checked in.") % {"person": registration.user}
        )
    if registration.status not in (Status.CONFIRMED, Status.NO_SHOW):
        raise ValidationError(
            _("Only confirmed participants can be checked in (status: %(status)s).")
            % {"status": registration.get_status_display()},
            code="not_confirmed",
        )
    previous = registration.status
    registration.status = Status.ATTENDED
    registration.checked_in_at = now
    registration.save(update_fields=["status", "checked_in_at"])
    SessionAttendance.objects.bulk_create(
        [
            SessionAttendance(registration=registration, session=session, checked_in_at=now)
            for session in registration.event.sessions.filter(starts_at__lte=now)
        ],
        ignore_conflicts=True,
    )
    _log(registration, actor=actor, action="checked_in", from_status=previous)
    return registration


@transaction.atomic
def registration_move(*, registration: Registration, status: str, actor) -> Registration:
    """Move a registration to another status by hand, within ALLOWED_TRANSITIONS, keeping
    every rule (no overbooking, the waiting list moves up when a seat is freed)."""
    _require_staff(actor)
    current = registration.status
    if status not in ALLOWED_TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("A registration cannot be moved from %(from)s to %(to)s.")
            % {
                "from": Status(current).label,
                "to": Status(status).label if status in Status.values else status,
            },
            code="transition",
        )
    if status == Status.CANCELLED:
        return registration_cancel(registration=registration, actor=actor)
    if status == Status.REJECTED:
        return registration_reject(registration=registration, actor=actor)
    if current == Status.PENDING and status in (Status.CONFIRMED, Status.WAITING):
        if status == Status.WAITING:
            event = _lock_event(registration.event)
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            registration.status = Status.WAITING
            registration.waiting_position = _next_waiting_position(event)
            registration.save(update_fields=["status", "waiting_position"])
            _log(registration, actor=actor, action="moved", from_status=current)
            mail.registration_mail_queue(registration=registration, kind=mail.WAITING)
            return registration
        approved = registration_approve(registration=registration, actor=actor)
        if approved.status != Status.CONFIRMED:
            raise ValidationError(_("The event is full."), code="full")
        return approved
    if status == Status.ATTENDED:
        return registration_check_in(registration=registration, actor=actor)

    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if current == Status.WAITING and status == Status.CONFIRMED:
        if _seats_taken(event) >= event.capacity:
            raise ValidationError(_("The event is full; raise the capacity first."), code="full")
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        _log(registration, actor=actor, action="moved", from_status=current)
        mail.registration_mail_queue(registration=registration, kind=mail.PROMOTION)
        return registration
    if status == Status.NO_SHOW and _before_first_day(event):
        raise ValidationError(
            _("The event has not begun; attendance can be recorded from its first day."),
            code="before_event",
        )
    # Between the seat-holding states (confirmed, attended, no-show): no seat changes hands.
    registration.status = status
    if status in (Status.CONFIRMED, Status.NO_SHOW):
        registration.checked_in_at = None
        registration.attendances.all().delete()
    registration.save(update_fields=["status", "checked_in_at"])
    _log(registration, actor=actor, action="moved", from_status=current)
    return registration


@transaction.atomic
def registration_answers_update(
    *, registration: Registration, actor, dietary_needs: str, comment: str
) -> Registration:
    """The secretariat corrects a participant's answers (dietary needs, comment)."""
    _require_staff(actor)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    changed = [
        name
        for name, value in (("dietary_needs", dietary_needs), ("comment", comment))
        if getattr(registration, name) != value
    ]
    if not changed:
        return registration
    registration.dietary_needs = dietary_needs[:300]
    registration.comment = comment[:2000]
    registration.save(update_fields=changed)
    _log(
        registration,
        actor=actor,
        action="edited",
        from_status=registration.status,
        note=", ".join(changed),
    )
    return registration


@transaction.atomic
def event_capacity_change(*, event: Event, capacity: int, actor=None) -> Event:
    """Change the number of seats. Lower than the seats already taken is refused; freed
    seats go to the waiting list."""
    if capacity is None or int(capacity) < 0:
        raise ValidationError(_("Capacity must be zero or more."), code="capacity")
    event = _lock_event(event)
    taken = _seats_taken(event)
    if int(capacity) < taken:
        raise ValidationError(
            _(
                "Capacity cannot be lower than the %(taken)d seats already confirmed; "
                "cancel registrations first."
            )
            % {"taken": taken},
            code="capacity_below_confirmed",
        )
    previous = event.capacity
    event.capacity = int(capacity)
    event.save(update_fields=["capacity", "updated_at"])
    record(actor, "event.capacity_changed", event, previous=previous, capacity=event.capacity)
    registration_promote_waiting(event=event, actor=actor)
    return event


def event_capacity_problem(*, event: Event, capacity: int) -> str | None:
    """For forms: why this capacity is refused, or None."""
    if event.pk is None:
        return None
    taken = _seats_taken(event)
    if capacity < taken:
        return _(
            "Capacity cannot be lower than the %(taken)d seats already confirmed; "
            "cancel registrations first."
        ) % {"taken": taken}
    return None


# --- reminders and personal data --------------------------------------------------------------


def event_reminders_queue(*, days_before: int, now=None) -> int:
    """Queue the reminder for every confirmed participant of events starting within
    `days_before` days. Each registration is reminded once (reminded_at and the dedup key)."""
    now = now or timezone.now()
    events = (
        Event.objects.published()
        .with_start()
        .filter(first_start__gt=now, first_start__lte=now + datetime.timedelta(days=days_before))
    )
    count = 0
    for event in events:
        with transaction.atomic():
            due = (
                Registration.objects.filter(
                    event=event, status=Status.CONFIRMED, reminded_at__isnull=True
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("event", "user")
            )
            for registration in due:
                if registration.user is None:
                    continue
                mail.registration_mail_queue(registration=registration, kind=mail.REMINDER)
                registration.reminded_at = now
                registration.save(update_fields=["reminded_at"])
                count += 1
    return count


@transaction.atomic
def registrations_erase_user(*, user) -> int:
    """Anonymise a person's registrations: the rows stay for the statistics (event, status,
    organisation, price) but no longer point at the person or hold what they wrote."""
    registrations = Registration.objects.filter(user=user)
    ids = list(registrations.values_list("pk", flat=True))
    Registration.objects.filter(pk__in=ids).update(
        user=None, dietary_needs="", comment="", motivation=""
    )
    actions_scrub(model=Registration, ids=ids, keys=["note"])
    return len(ids)
