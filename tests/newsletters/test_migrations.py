"""The split of `mailings` into `outbox` and `newsletters` keeps every row: the tables are
renamed, newsletter mail becomes an outbox batch, content types (and so permissions) move."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.migration_steps import latest as _latest
from tests.migration_steps import migrate as _migrate

OLD = [("mailings", "0002_historicalnewsletter")]

pytestmark = pytest.mark.django_db(transaction=True)


def _seed_old(apps) -> dict:
    User = apps.get_model("members", "User")
    Newsletter = apps.get_model("mailings", "Newsletter")
    OutboxMessage = apps.get_model("mailings", "OutboxMessage")
    OutboxAttachment = apps.get_model("mailings", "OutboxAttachment")
    Subscriber = apps.get_model("mailings", "Subscriber")
    Consent = apps.get_model("mailings", "Consent")
    SuppressedAddress = apps.get_model("mailings", "SuppressedAddress")
    HistoricalNewsletter = apps.get_model("mailings", "HistoricalNewsletter")
    now = timezone.now()
    user = User.objects.create(email="ida@example.dk", password="!")
    sent = Newsletter.objects.create(
        subject="Sendt", slug="sendt", status="sent", issued_at=now, finished_at=now
    )
    paused = Newsletter.objects.create(
        subject="Pause", slug="pause", status="paused", issued_at=now
    )
    Newsletter.objects.create(subject="Kladde", slug="kladde")
    HistoricalNewsletter.objects.create(
        id=sent.pk, subject="Sendt", slug="sendt", status="sent", created_at=now,
        history_date=now, history_type="~",
    )  # fmt: skip

    def message(to, **kwargs):
        return OutboxMessage.objects.create(
            to=to, language="da", subject="Hej", body_text="Hej", message_id=f"<{to}>", **kwargs
        )

    first = message(
        "a@example.dk", newsletter=sent, status="sent", template="mailings/mail/newsletter"
    )
    message("b@example.dk", newsletter=sent, status="sent", template="mailings/mail/newsletter")
    message("c@example.dk", newsletter=paused, template="mailings/mail/newsletter")
    message("ida@example.dk", user=user, template="events/mail/confirmation")
    OutboxAttachment.objects.create(
        message=first, filename="a.ics", mimetype="text/calendar", content=b"x"
    )
    subscriber = Subscriber.objects.create(email="a@example.dk", status="confirmed")
    Consent.objects.create(subscriber=subscriber, action="requested", source="test")
    SuppressedAddress.objects.create(email="bounce@example.dk")
    return {"sent": sent.pk, "paused": paused.pk}


def test_the_split_keeps_every_row_and_permission():
    from newsletters.models import Consent, Newsletter, Subscriber
    from outbox.models import Batch, OutboxAttachment, OutboxMessage, SuppressedAddress

    moved_type = ContentType.objects.get_for_model(OutboxMessage)
    latest = _latest()
    try:
        old_apps = _migrate(OLD)
        assert ContentType.objects.get(pk=moved_type.pk).app_label == "mailings"
        ids = _seed_old(old_apps)
    finally:
        _migrate(latest)  # whatever happened, the tests after this one get today's schema

    assert ContentType.objects.get(pk=moved_type.pk).app_label == "outbox"
    assert ContentType.objects.get_for_model(Newsletter).app_label == "newsletters"
    assert Newsletter.objects.count() == 3
    assert Newsletter.history.count() == 1
    assert Newsletter.events.through.objects.count() == 0  # the many-to-many tables moved too
    assert OutboxMessage.objects.count() == 4
    assert OutboxAttachment.objects.count() == 1
    assert (Subscriber.objects.count(), Consent.objects.count()) == (1, 1)
    assert SuppressedAddress.objects.count() == 1
    sent, paused = Newsletter.objects.get(pk=ids["sent"]), Newsletter.objects.get(pk=ids["paused"])
    assert sent.batch.messages.count() == 2 and sent.batch.finished_at is not None
    assert paused.batch.messages.count() == 1 and paused.batch.is_held
    assert Newsletter.objects.get(slug="kladde").batch is None
    assert Batch.objects.count() == 2
    # The paused issue's mail waits; the event mail is due.
    assert list(OutboxMessage.objects.due().values_list("to", flat=True)) == ["ida@example.dk"]
    assert set(OutboxMessage.objects.values_list("template", flat=True)) == {
        "newsletters/mail/newsletter",
        "events/mail/confirmation",
    }
