import pytest

from devtools.factories.members import UserFactory
from newsletters.models import Newsletter
from newsletters.selectors import newsletter_audience

pytestmark = pytest.mark.django_db


def emails(recipients):
    return [r.email for r in recipients]


def test_audience_of_event_participants():
    from django.apps import apps

    registration = apps.get_model("events", "Registration")
    from events.models import Event

    event = Event.objects.create(title="Årsmøde", slug="aarsmoede")
    other = Event.objects.create(title="Kursus", slug="kursus")
    statuses = {}
    for status in ["confirmed", "attended", "cancelled", "rejected"]:
        user = UserFactory(email=f"{status}@example.dk")
        registration.objects.create(event=event, user=user, status=status)
        statuses[status] = user
    registration.objects.create(
        event=other, user=UserFactory(email="x@example.dk"), status="confirmed"
    )
    newsletter = Newsletter.objects.create(subject="S", slug="s", to_subscribers=False)
    newsletter.to_participants_of.set([event])
    assert emails(newsletter_audience(newsletter=newsletter)) == [
        "attended@example.dk",
        "confirmed@example.dk",
    ]
