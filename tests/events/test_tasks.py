import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from devtools.factories.events import EventFactory, RegistrationFactory
from events.models import Registration
from events.tasks import REMINDER_DAYS_BEFORE, event_reminders_send
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_beat_runs_the_reminder_task():
    entry = settings.CELERY_BEAT_SCHEDULE["events-reminders-send"]
    assert entry["task"] == event_reminders_send.name


def test_reminder_task_sends_each_reminder_once():
    start = timezone.now() + datetime.timedelta(days=REMINDER_DAYS_BEFORE - 1)
    event = EventFactory(sessions=[(start, start + datetime.timedelta(hours=2))])
    registrations = RegistrationFactory.create_batch(3, event=event)
    assert event_reminders_send.delay().get() == 3
    assert event_reminders_send.delay().get() == 0
    assert OutboxMessage.objects.filter(template="events/mail/reminder").count() == 3
    assert all(Registration.objects.get(pk=r.pk).reminded_at is not None for r in registrations)
