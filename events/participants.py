"""The secretariat's work with an event's people: mail the participants or the waiting list
through the outbox, and admit someone from the waiting list by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity.services import record

from . import mail
from .models import Event, Registration
from .services import _lock_event, _log, _require_staff, _seats_taken

Status = Registration.Status

PARTICIPANTS = "participants"
WAITING_LIST = "waiting"
AUDIENCES = {
    PARTICIPANTS: (Registration.SEAT_STATUSES, gettext_lazy("the participants")),
    WAITING_LIST: ((Status.WAITING,), gettext_lazy("the waiting list")),
}


def mail_recipients(*, event: Event, audience: str) -> list[tuple[Registration, str]]:
    """(registration, address) for everyone in the audience who has an address."""
    statuses, _label = AUDIENCES[audience]
    registrations = (
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("user")
        .order_by("waiting_position", "created_at", "pk")
    )
    recipients = []
    for registration in registrations:
        address = registration.user.email if registration.user else registration.walk_in_email
        if address:
            recipients.append((registration, address))
    return recipients


@transaction.atomic
def event_participants_mail(*, event: Event, audience: str, subject: str, text: str, actor) -> int:
    """Queue one mail per person in the audience (in their language when they have an
    account) and record the sending in the action log. Returns how many were queued."""
    from outbox.services import message_queue

    _require_staff(actor)
    if audience not in AUDIENCES:
        raise ValidationError(_("Unknown group of recipients."), code="audience")
    subject, text = " ".join(str(subject or "").split())[:200], str(text or "").strip()
    if not subject or not text:
        raise ValidationError(_("Write a subject and a text."), code="empty")
    event_url = settings.SITE_URL + event.get_absolute_url()
    sessions = list(event.sessions.all())
    count = 0
    for registration, address in mail_recipients(event=event, audience=audience):
        message_queue(
            to=registration.user or address,
            template="events/mail/message",
            context={
                "subject": subject,
                "text": text,
                "event": event,
                "sessions": sessions,
                "person_name": registration.person_name,
                "event_url": event_url,
            },
        )
        count += 1
    record(actor, "event.mailed", event, audience=audience, subject=subject, count=count)
    return count


@transaction.atomic
def waiting_list_admit(*, registration: Registration, actor, add_seat: bool = False):
    """Give a seat to this person on the waiting list, out of turn (the others keep their
    order). A full event is refused unless add_seat raises the capacity by one for them."""
    _require_staff(actor)
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.WAITING:
        raise ValidationError(
            _("%(person)s is not on the waiting list.") % {"person": registration.person_name},
            code="not_waiting",
        )
    if _seats_taken(event) >= event.capacity:
        if not add_seat:
            raise ValidationError(
                _("The event is full; admit with an extra seat, or raise the capacity first."),
                code="full",
            )
        previous = event.capacity
        event.capacity += 1
        event.save(update_fields=["capacity", "updated_at"])
        record(actor, "event.capacity_changed", event, previous=previous, capacity=event.capacity)
    registration.status = Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_at"])
    _log(
        registration,
        actor=actor,
        action="moved",
        from_status=Status.WAITING,
        note=_("admitted from the waiting list by hand"),
    )
    mail.registration_mail_queue(registration=registration, kind=mail.PROMOTION)
    return registration
