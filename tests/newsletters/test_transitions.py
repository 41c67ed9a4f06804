"""The newsletters' status fields move only along their transition tables."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.selectors import actions_for
from newsletters import services
from newsletters.models import Newsletter, Subscriber

pytestmark = pytest.mark.django_db


def test_the_tables_cover_every_status():
    assert set(services.SUBSCRIBER_TRANSITIONS) == set(Subscriber.Status.values)
    assert set(services.NEWSLETTER_TRANSITIONS) == set(Newsletter.Status.values)
    assert services.NEWSLETTER_TRANSITIONS[Newsletter.Status.SENT] == frozenset()


@pytest.mark.parametrize(
    ("model", "table"),
    [(Subscriber, "SUBSCRIBER_TRANSITIONS"), (Newsletter, "NEWSLETTER_TRANSITIONS")],
)
def test_a_move_outside_the_table_is_refused(model, table):
    transitions = getattr(services, table)
    for old in model.Status.values:
        for new in model.Status.values:
            instance = model(status=old)
            if new in transitions[old]:
                services._move(instance, table=transitions, to=new)
                assert instance.status == new
            else:
                with pytest.raises(ValidationError):
                    services._move(instance, table=transitions, to=new)
                assert instance.status == old


def test_a_confirmed_subscription_cannot_be_confirmed_from_unsubscribed():
    services.subscription_withdraw(email="a@example.dk", source="test")
    subscriber = Subscriber.objects.get(email="a@example.dk")
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    with pytest.raises(ValidationError):
        services._move(subscriber, table=services.SUBSCRIBER_TRANSITIONS, to="confirmed")


def test_pause_and_resume_are_recorded_in_the_action_log():
    staff_newsletter = Newsletter.objects.create(
        subject="Nyt", slug="nyt", status=Newsletter.Status.SENDING, issued_at=timezone.now()
    )
    assert services.newsletter_pause(newsletter=staff_newsletter, actor=None)
    assert services.newsletter_resume(newsletter=staff_newsletter, actor=None)
    assert not services.newsletter_resume(newsletter=staff_newsletter, actor=None)
    verbs = list(
        actions_for(target=staff_newsletter)
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["newsletter.paused", "newsletter.resumed"]
