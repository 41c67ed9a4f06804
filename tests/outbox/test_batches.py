"""Batches (bulk mail) and the outbox registry, without any app above the outbox: what the
newsletters app relies on, tested on the outbox's own terms."""

import pytest
from django.core import mail

from outbox import delivery, registry
from outbox.models import Batch, OutboxMessage
from outbox.services import batch_hold, batch_release, message_queue

pytestmark = pytest.mark.django_db


def _rows(*addresses):
    return [
        OutboxMessage(to=a, language="da", template="t", subject="Hej", body_text="Hej")
        for a in addresses
    ]


@pytest.fixture
def hooks(monkeypatch):
    """A registry with only what the test registers (the apps' own entries put aside)."""
    monkeypatch.setattr(registry, "_bulk_exclusions", {})
    monkeypatch.setattr(registry, "_batch_finished", {})
    finished: list[list[int]] = []
    registry.register_batch_finished("test", finished.append)
    return finished


def test_a_batch_has_one_row_per_address_and_is_finished_once_delivered(smtp, hooks):
    batch = batch_release(
        label="test", messages=_rows("a@example.dk", "b@example.dk", "a@example.dk")
    )
    assert batch.messages.count() == 2
    delivery.outbox_deliver()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.dk", "b@example.dk"]
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert hooks == [[batch.pk]]
    assert delivery.batches_finish() == 0  # not twice


def test_a_held_batch_waits_and_goes_when_released(smtp, hooks):
    batch = batch_release(label="test", messages=_rows("a@example.dk"))
    batch_hold(batch=batch, is_held=True)
    assert delivery.outbox_deliver().claimed == 0
    assert delivery.batches_finish() == 0 and hooks == []
    batch_hold(batch=batch, is_held=False)
    assert delivery.outbox_deliver().sent == 1
    assert hooks == [[batch.pk]]


def test_registered_exclusions_skip_bulk_mail_only(smtp, hooks):
    registry.register_bulk_exclusion("test", lambda addresses: {"no@example.dk"} & addresses)
    single = message_queue(
        to="no@example.dk", template="mailings_test/hello", context={"thing": "x"}
    )
    batch = batch_release(label="test", messages=_rows("no@example.dk", "yes@example.dk"))
    while delivery.outbox_deliver().claimed:
        pass
    statuses = dict(batch.messages.values_list("to", "status"))
    assert statuses == {"no@example.dk": "skipped", "yes@example.dk": "sent"}
    single.refresh_from_db()
    assert single.status == OutboxMessage.Status.SENT  # one-to-one mail is not bulk mail
    assert Batch.objects.get().finished_at is not None
