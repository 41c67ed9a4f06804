from celery import shared_task
from django.conf import settings

from .services import event_reminders_queue

# How many days before an event its participants get the reminder mail.
REMINDER_DAYS_BEFORE = getattr(settings, "EVENTS_REMINDER_DAYS_BEFORE", 3)


@shared_task(name="events.tasks.event_reminders_send", acks_late=True)
def event_reminders_send() -> int:
    """Queue the reminders that are due (beat runs this hourly). Idempotent: a registration is
    reminded once, however often this runs or is retried."""
    return event_reminders_queue(days_before=REMINDER_DAYS_BEFORE)
