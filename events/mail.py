"""The events app's mail, queued through the outbox (never SMTP from here).

Each kind has its templates in events/templates/events/mail/<kind>. The caller's transaction
(which may hold the event's lock) writes only the intent, an outbox row naming the registration
and the kind; the worker renders it in the recipient's language after commit. The dedup key is
per registration and kind, so a retried task or a second reminder run never mails twice.
"""

from django.conf import settings
from django.urls import reverse

from .calendar import event_ics
from .selectors import waiting_list_place

CONFIRMATION = "confirmation"
WAITING = "waiting"
PENDING = "pending"
PROMOTION = "promotion"
CANCELLATION = "cancellation"
REJECTION = "rejection"
REMINDER = "reminder"

KINDS = (CONFIRMATION, WAITING, PENDING, PROMOTION, CANCELLATION, REJECTION, REMINDER)
WITH_CALENDAR_FILE = {CONFIRMATION, PROMOTION, REMINDER}


def dedup_key(*, registration, kind: str) -> str:
    return f"events:registration:{registration.pk}:{kind}"


RENDERER = "events.registration"


def registration_mail_queue(*, registration, kind: str, new_registration: bool = False) -> None:
    """Queue the mail of this kind for this registration's participant, once.

    Only its intent is written here (one small row, in the caller's transaction, which may
    hold the event's lock); the worker renders the text and the calendar file after commit
    (`registration_mail_parts`), from the registration as it is then. `new_registration`:
    the caller inserted the registration in this transaction, so no mail for it is queued yet
    (its key is new: no savepoint while the lock is held)."""
    from outbox.services import message_queue_deferred

    if kind not in KINDS:
        raise ValueError(f"Unknown event mail kind: {kind}")
    user = registration.user
    if user is None or not user.email:
        return
    message_queue_deferred(
        to=user,
        template=f"events/mail/{kind}",
        renderer=RENDERER,
        data={"registration": registration.pk, "kind": kind},
        dedup_key=dedup_key(registration=registration, kind=kind),
        key_is_new=new_registration,
    )


def registration_mail_parts(data: dict):
    """The context and attachments of a queued event mail (the outbox calls this in the
    worker, in the recipient's language). None when the registration or its participant is
    gone (deleted, or the account erased): nothing to send."""
    from outbox.rendering import MailParts

    from .models import Registration

    registration = (
        Registration.objects.select_related("event", "user", "organisation")
        .prefetch_related("event__sessions")
        .filter(pk=data.get("registration"))
        .first()
    )
    kind = data.get("kind")
    if registration is None or registration.user is None or kind not in KINDS:
        return None
    event = registration.event
    sessions = list(event.sessions.all())
    attachments = []
    if kind in WITH_CALENDAR_FILE:
        attachments.append((f"{event.slug}.ics", event_ics(event=event), "text/calendar"))
    return MailParts(
        context={
            "registration": registration,
            "event": event,
            "person": registration.user,
            "sessions": sessions,
            "waiting_place": waiting_list_place(registration=registration),
            "event_url": settings.SITE_URL + event.get_absolute_url(),
            "mine_url": settings.SITE_URL + reverse("events:mine"),
        },
        attachments=attachments,
    )
