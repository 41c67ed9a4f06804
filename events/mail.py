"""The events app's mail, queued through the outbox (never SMTP from here).

Each kind has its templates in events/templates/events/mail/<kind>; the outbox renders them in
the recipient's language when the row is queued, inside the caller's transaction. The dedup
key is per registration and kind, so a retried task or a second reminder run never mails twice.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

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


def registration_mail_queue(*, registration, kind: str) -> None:
    """Queue the mail of this kind for this registration's participant, once."""
    from outbox.rendering import mail_language
    from outbox.services import message_queue

    if kind not in KINDS:
        raise ValueError(f"Unknown event mail kind: {kind}")
    user = registration.user
    if user is None or not user.email:
        return
    event = registration.event
    with translation.override(mail_language(None, user)):
        event_url = settings.SITE_URL + event.get_absolute_url()
        mine_url = settings.SITE_URL + reverse("events:mine")
    attachments = []
    if kind in WITH_CALENDAR_FILE:
        attachments.append((f"{event.slug}.ics", event_ics(event=event), "text/calendar"))
    message_queue(
        to=user,
        template=f"events/mail/{kind}",
        context={
            "registration": registration,
            "event": event,
            "person": user,
            "sessions": list(event.sessions.all()),
            "waiting_place": waiting_list_place(registration=registration),
            "event_url": event_url,
            "mine_url": mine_url,
        },
        attachments=attachments,
        dedup_key=dedup_key(registration=registration, kind=kind),
    )
