import pytest
from django.template.loader import render_to_string

from mailings.models import OutboxMessage, Subscriber
from mailings.services import message_queue
from members import registry
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def panel():
    return next(p for p in registry.my_page_panels() if p.key == "mailings.subscriptions")


def test_my_subscriptions_panel(subscriber_factory):
    user = UserFactory(email="ida@example.dk")
    html = render_to_string(panel().template, panel().context(user=user))
    assert "Du får ikke nyhedsbrevet" in html
    subscriber_factory("ida@example.dk")
    html = render_to_string(panel().template, panel().context(user=user))
    assert "ida@example.dk får nyhedsbrevet" in html
    assert "/newsletter/unsubscribe/" in html


def test_personal_data_export_and_erase(subscriber_factory):
    source = next(p for p in registry.personal_data_sources() if p.key == "mailings")
    user = UserFactory(email="ida@example.dk")
    subscriber_factory("ida@example.dk")
    message_queue(to=user, template="mailings_test/hello", context={"thing": "x"})
    data = source.export(user)
    assert data["newsletter_subscription"]["status"] == "confirmed"
    assert data["mail_sent"][0]["subject"] == "Confirmation: x"
    source.erase(user)
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_demo_data_is_idempotent_and_archived(client):
    import io

    from mailings import demo
    from mailings.models import Newsletter

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Subscriber.objects.filter(status="confirmed").count() == 4
    assert all(s.consents.count() == 2 for s in Subscriber.objects.all())
    newsletter = Newsletter.objects.get()
    response = client.get(newsletter.get_absolute_url())
    assert response.status_code == 200
    assert "Strategien i praksis" in response.content.decode()
