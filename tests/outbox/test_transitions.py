"""Every status write of the outbox stays inside OutboxMessage.TRANSITIONS: staff's retry,
the skip after an unsubscribe, and a worker's claim, tried from every status."""

import datetime
import uuid

import pytest
from django.utils import timezone

from outbox import services
from outbox.delivery import outbox_claim
from outbox.models import Batch, OutboxMessage

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def _message(status: str, *, batch=None) -> OutboxMessage:
    past = timezone.now() - datetime.timedelta(minutes=5)
    return OutboxMessage.objects.create(
        to="modtager@example.dk",
        language="da",
        template="test",
        subject="Hej",
        body_text="Hej",
        message_id=f"<{uuid.uuid4()}@almennet.dk>",
        status=status,
        batch=batch,
        next_attempt_at=past,
        lease_until=past if status == Status.SENDING else None,
    )


def _moves(action) -> dict[str, str]:
    messages = {
        status: _message(status, batch=Batch.objects.create(label=status))
        for status in Status.values
    }
    action(messages)
    result = {}
    for status, message in messages.items():
        message.refresh_from_db()
        result[status] = message.status
    return result


def _assert_in_table(moves: dict[str, str]) -> None:
    for old, new in moves.items():
        assert new == old or new in OutboxMessage.TRANSITIONS[old], (old, new)


def test_the_table_covers_every_status_and_sent_and_skipped_are_final():
    assert set(OutboxMessage.TRANSITIONS) == set(Status.values)
    assert OutboxMessage.TRANSITIONS[Status.SENT] == frozenset()
    assert OutboxMessage.TRANSITIONS[Status.SKIPPED] == frozenset()


def test_staff_retry_moves_only_failed_mail():
    moves = _moves(lambda m: services.outbox_retry(ids=[x.pk for x in m.values()]))
    _assert_in_table(moves)
    assert {old for old, new in moves.items() if new != old} == {Status.FAILED}


def test_skip_after_unsubscribe_moves_only_queued_bulk_mail():
    moves = _moves(lambda m: services.bulk_mail_skip(email="modtager@example.dk"))
    _assert_in_table(moves)
    assert {old for old, new in moves.items() if new != old} == {Status.QUEUED}


def test_a_worker_claims_only_queued_and_abandoned_mail():
    moves = _moves(lambda m: outbox_claim(ids=[x.pk for x in m.values()]))
    _assert_in_table(moves)
    assert moves[Status.QUEUED] == Status.SENDING
    assert {old for old, new in moves.items() if new != old} == {Status.QUEUED}
