import pytest
from django.template.loader import render_to_string

from devtools.factories.members import UserFactory
from members import registry
from newsletters.models import Subscriber
from outbox.models import OutboxMessage
from outbox.services import message_queue

pytestmark = pytest.mark.django_db


def panel():
    return next(p for p in registry.my_page_panels() if p.key == "newsletters.subscriptions")


def test_my_subscriptions_panel(subscriber_factory):
    user = UserFactory(email="ida@example.dk")
    html = render_to_string(panel().template, panel().context(user=user))
    assert "Du får ikke nyhedsbrevet" in html
    subscriber_factory("ida@example.dk")
    html = render_to_string(panel().template, panel().context(user=user))
    assert "ida@example.dk får nyhedsbrevet" in html
    assert "/newsletter/unsubscribe/" in html


def test_personal_data_export_and_erase(subscriber_factory):
    sources = {p.key: p for p in registry.personal_data_sources()}
    user = UserFactory(email="ida@example.dk")
    subscriber_factory("ida@example.dk")
    message_queue(to=user, template="mailings_test/hello", context={"thing": "x"})
    assert sources["newsletters"].export(user)["newsletter_subscription"]["status"] == "confirmed"
    assert sources["outbox"].export(user)["mail_sent"][0]["subject"] == "Confirmation: x"
    sources["newsletters"].erase(user)
    assert not Subscriber.objects.exists()
    assert OutboxMessage.objects.exists()  # the outbox's own entry erases its log
    sources["outbox"].erase(user)
    assert not OutboxMessage.objects.exists()


def test_demo_data_is_idempotent_and_archived(client):
    import io

    from devtools.demo import newsletters as demo
    from newsletters.models import Newsletter

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Subscriber.objects.filter(status="confirmed").count() == 4
    assert all(s.consents.count() == 2 for s in Subscriber.objects.all())
    newsletter = Newsletter.objects.get()
    response = client.get(newsletter.get_absolute_url())
    assert response.status_code == 200
    assert "Strategien i praksis" in response.content.decode()
