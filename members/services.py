"""Writes about organisations, people and their roles.

Every change to a membership, an affiliation or a seat goes through a function here, which
validates before saving and records who did it in the one action log (activity's record(),
verbs "organisation.membership", "affiliation.*", "seat.*"). django-simple-history keeps the
field-by-field history beside it (a row per change with the acting user and a reason).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import actions_delete, record

from . import mail, registry
from .models import Affiliation, Organisation, Seat, User


def _facts(instance) -> dict:
    """What the action log keeps about a membership, an affiliation or a seat."""
    if isinstance(instance, Organisation):
        return {"member_since": instance.member_since, "member_until": instance.member_until}
    if isinstance(instance, Affiliation):
        return {
            "user": instance.user_id,
            "organisation": instance.organisation_id,
            "role": instance.role,
            "starts_on": instance.starts_on,
            "ends_on": instance.ends_on,
            "confirmed": instance.confirmed_at is not None,
        }
    return {
        "user": instance.user_id,
        "organisation": instance.organisation_id,
        "body": instance.body,
        "role": instance.role,
        "starts_on": instance.starts_on,
        "ends_on": instance.ends_on,
    }


def _audited_save(instance, *, actor: User | None, reason: str, verb: str | None = None) -> None:
    """Save with simple-history's field history (actor and reason); with a verb, also record
    who did what in the action log."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    instance._change_reason = reason
    instance.save()
    if verb is not None:
        record(actor, verb, instance, **_facts(instance))


def _lock_seats(body: str) -> None:
    """Serialise seat changes on one body, so two staff cannot both add a chair at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [3100, body])


# --- organisations and memberships -------------------------------------------------------


@transaction.atomic
def organisation_save(*, organisation: Organisation, actor: User | None) -> Organisation:
    """Create or update an organisation after checking every field (CVR, EAN, logo, dates)."""
    organisation.full_clean()
    _audited_save(
        organisation,
        actor=actor,
        reason="created" if organisation.pk is None else "updated",
    )
    return organisation


@transaction.atomic
def organisation_membership_set(
    *,
    organisation: Organisation,
    member_since: datetime.date | None,
    member_until: datetime.date | None,
    actor: User | None,
) -> Organisation:
    """Start, change or end an organisation's membership."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.member_since = member_since
    organisation.member_until = member_until
    organisation.full_clean()
    _audited_save(
        organisation, actor=actor, reason="membership changed", verb="organisation.membership"
    )
    return organisation


# --- affiliations ----------------------------------------------------------------------


@transaction.atomic
def affiliation_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    confirmed: bool = False,
    actor: User | None = None,
) -> Affiliation:
    affiliation = Affiliation(
        user=user,
        organisation=organisation,
        role=role,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
    )
    if confirmed:
        affiliation.confirmed_at = timezone.now()
        affiliation.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    affiliation.full_clean()
    _audited_save(affiliation, actor=actor, reason="created", verb="affiliation.created")
    return affiliation


@transaction.atomic
def affiliation_save(*, affiliation: Affiliation, actor: User | None) -> Affiliation:
    """Save an affiliation edited as a whole (the admin form)."""
    affiliation.full_clean()
    reason = "created" if affiliation.pk is None else "updated"
    _audited_save(affiliation, actor=actor, reason=reason, verb=f"affiliation.{reason}")
    return affiliation


@transaction.atomic
def affiliation_request(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    starts_on: datetime.date | None = None,
) -> Affiliation:
    """A person says "I work at X". It does not count until staff confirm it. A person can
    neither make themselves a representative (the secretariat appoints those) nor date the
    affiliation back."""
    if role not in Affiliation.REQUESTABLE_ROLES:
        raise ValidationError(
            {"role": _("Representatives are appointed by the secretariat; choose another role.")}
        )
    if starts_on is not None and starts_on < timezone.localdate():
        raise ValidationError(
            {
                "starts_on": _(
                    "The start date cannot be in the past; the secretariat can set an earlier one."
                )
            }
        )
    pending = Affiliation.objects.filter(
        user=user, organisation=organisation, role=role, confirmed_at__isnull=True
    )
    if pending.exists():
        raise ValidationError(
            {
                "organisation": _("You have already asked to be affiliated with %(name)s.")
                % {"name": organisation.name}
            }
        )
    if (
        Affiliation.objects.current()
        .filter(user=user, organisation=organisation, role=role)
        .exists()
    ):
        raise ValidationError(
            {
                "organisation": _("You are already affiliated with %(name)s in that role.")
                % {"name": organisation.name}
            }
        )
    affiliation = affiliation_create(
        user=user,
        organisation=organisation,
        role=role,
        starts_on=starts_on,
        confirmed=False,
        actor=user,
    )
    mail.affiliation_request_queue(affiliation=affiliation)
    return affiliation


@transaction.atomic
def affiliation_confirm(*, affiliation: Affiliation, actor: User) -> Affiliation:
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if affiliation.confirmed_at is not None:
        return affiliation
    affiliation.confirmed_at = timezone.now()
    affiliation.confirmed_by = actor
    affiliation.full_clean()
    _audited_save(affiliation, actor=actor, reason="confirmed", verb="affiliation.confirmed")
    # Other apps act on the new affiliation in the same transaction (events re-prices
    # sign-ups made while the request waited).
    for callback in registry.affiliation_confirmed_callbacks():
        callback(affiliation=affiliation, actor=actor)
    mail.affiliation_confirmed_queue(affiliation=affiliation)
    return affiliation


@transaction.atomic
def affiliation_refuse(*, affiliation: Affiliation, actor: User, reason: str = "") -> None:
    """Staff refuse a person's request: the request goes and the person is told why."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=affiliation.pk)
    )
    if affiliation.confirmed_at is not None:
        raise ValidationError(_("A confirmed affiliation is ended, not refused."))
    reason = reason.strip()[:1000]
    affiliation._history_user = actor
    affiliation._change_reason = "refused"
    record(actor, "affiliation.refused", affiliation, **_facts(affiliation), reason=reason)
    mail.affiliation_refused_queue(affiliation=affiliation, reason=reason)
    affiliation.delete()


@transaction.atomic
def affiliation_end(
    *, affiliation: Affiliation, ends_on: datetime.date, actor: User | None
) -> Affiliation:
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    affiliation.ends_on = ends_on
    affiliation.full_clean()
    _audited_save(affiliation, actor=actor, reason="ended", verb="affiliation.ended")
    return affiliation


@transaction.atomic
def affiliation_withdraw(*, affiliation: Affiliation, user: User) -> None:
    """A person withdraws their own request before staff have confirmed it."""
    if affiliation.user_id != user.pk or affiliation.confirmed_at is not None:
        raise ValidationError(_("Only your own unconfirmed requests can be withdrawn."))
    affiliation._history_user = user
    affiliation._change_reason = "withdrawn"
    record(user, "affiliation.withdrawn", affiliation, **_facts(affiliation))
    affiliation.delete()


# --- seats -----------------------------------------------------------------------------


@transaction.atomic
def seat_create(
    *,
    user: User,
    body: str,
    role: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    organisation: Organisation | None = None,
    actor: User | None = None,
) -> Seat:
    """Give a person a seat. Refuses a second chair or vice chair in the same period and a
    second overlapping seat for the same person on the same body."""
    _lock_seats(body)
    seat = Seat(
        user=user,
        body=body,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        organisation=organisation,
    )
    seat.full_clean()
    _audited_save(seat, actor=actor, reason="created", verb="seat.created")
    return seat


@transaction.atomic
def seat_update(*, seat: Seat, actor: User | None, **changes) -> Seat:
    return _seat_change(seat=seat, actor=actor, verb="seat.updated", changes=changes)


def _seat_change(*, seat: Seat, actor: User | None, verb: str, changes: dict) -> Seat:
    _lock_seats(seat.body)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    allowed = {"user", "body", "role", "starts_on", "ends_on", "organisation"}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(f"seat_update() cannot change {name!r}")
        setattr(seat, name, value)
    if "body" in changes:
        _lock_seats(seat.body)
    seat.full_clean()
    _audited_save(seat, actor=actor, reason="updated", verb=verb)
    return seat


@transaction.atomic
def seat_save(*, seat: Seat, actor: User | None) -> Seat:
    """Save a seat edited as a whole (the admin form): the same checks and lock as
    seat_create."""
    _lock_seats(seat.body)
    seat.full_clean()
    reason = "created" if seat.pk is None else "updated"
    _audited_save(seat, actor=actor, reason=reason, verb=f"seat.{reason}")
    return seat


@transaction.atomic
def seat_end(*, seat: Seat, ends_on: datetime.date, actor: User | None) -> Seat:
    return _seat_change(seat=seat, actor=actor, verb="seat.ended", changes={"ends_on": ends_on})


# --- people ----------------------------------------------------------------------------


PROFILE_FIELDS = ("first_name", "last_name", "phone", "job_title", "language")


@transaction.atomic
def user_profile_update(*, user: User, **changes) -> User:
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise TypeError(f"user_profile_update() cannot change {name!r}")
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a person's account at their own request (GDPR).

    Each app's registered `erase()` runs first, inside the same transaction, so an app can
    anonymise what it keeps for statistics (an event's attendance count, say) before the
    account and everything tied to it (profile, affiliations, seats, e-mail addresses,
    sessions and authenticators) is deleted. If any step fails, nothing is deleted.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    for source in registry.personal_data_sources():
        source.erase(user)
    user_id = user.pk
    affiliation_ids = list(user.affiliations.values_list("pk", flat=True))
    seat_ids = list(user.seats.values_list("pk", flat=True))
    user.delete()
    # Deleting the account deletes its affiliations and seats; their change history would
    # still tie the person's id to organisations and dates, so it goes too.
    Affiliation.history.filter(user_id=user_id).delete()
    Seat.history.filter(user_id=user_id).delete()
    # So do their rows of the action log (what the person did elsewhere stays, without them:
    # the actor is emptied when the account goes).
    actions_delete(model=Affiliation, ids=affiliation_ids)
    actions_delete(model=Seat, ids=seat_ids)
