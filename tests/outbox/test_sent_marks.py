"""The `sent` marks are committed in groups by a thread of their own (`delivery._SentMarks`)
while the sending goes on: every accepted message is marked exactly once, all marks are on
disk before `outbox_deliver` returns or hands unsent rows back, and a drain keeps one SMTP
connection for all its batches. Committed rows (transaction=True): the marking thread has its
own connection and must see them."""

import threading

import pytest
from django.core import mail
from django.db import connection

from outbox import delivery, tasks
from outbox.models import OutboxMessage
from outbox.services import message_id_new

pytestmark = pytest.mark.django_db(transaction=True)


def rows(count: int) -> list[int]:
    """Queued rows, committed, without the after-commit send (the test delivers)."""
    made = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            to=f"p{i}@example.dk",
            language="da",
            template="mailings_test/hello",
            subject=f"Hej {i}",
            body_text="Hej",
            message_id=message_id_new(),
        )
        for i in range(count)
    )
    return [m.pk for m in made]


def committed_statuses() -> dict[str, int]:
    """Statuses as another connection sees them (only what is committed)."""
    found = {}

    def read():
        try:
            for status in OutboxMessage.objects.values_list("status", flat=True):
                found[status] = found.get(status, 0) + 1
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return found


def test_marks_are_grouped_and_each_accepted_message_is_marked_once(smtp, monkeypatch):
    ids = rows(30)
    groups = []
    ten_sent = threading.Event()
    real_mark = delivery._SentMarks._mark

    def mark(self, group):
        if not groups:
            ten_sent.wait(timeout=30)  # a slow first commit: the next marks queue up meanwhile
        groups.append(list(group))
        real_mark(self, group)

    real_send = smtp.send_messages

    def send(self, messages):
        sent = real_send(self, messages)
        if len(mail.outbox) >= 10:
            ten_sent.set()
        return sent

    monkeypatch.setattr(delivery._SentMarks, "_mark", mark)
    monkeypatch.setattr(smtp, "send_messages", send)
    result = delivery.outbox_deliver(limit=30)

    assert result.sent == 30
    marked = [pk for group in groups for pk in group]
    assert sorted(marked) == sorted(ids)  # every one, once
    assert len(groups) < 30 and max(len(g) for g in groups) >= 2  # grouped, not one by one
    assert committed_statuses() == {"sent": 30}  # on disk when outbox_deliver returns


def test_an_error_mid_batch_keeps_the_sent_marks_and_requeues_the_rest(smtp, monkeypatch):
    rows(12)
    real_send = smtp.send_messages

    def send(self, messages):
        if len(mail.outbox) == 5:
            raise RuntimeError("the worker is being stopped")
        return real_send(self, messages)

    monkeypatch.setattr(smtp, "send_messages", send)
    with pytest.raises(RuntimeError):
        delivery.outbox_deliver(limit=12)
    assert committed_statuses() == {"sent": 5, "queued": 7}
    sent = OutboxMessage.objects.filter(status="sent")
    assert sorted(m.to for m in sent) == sorted(m.to[0] for m in mail.outbox)


def test_a_drain_keeps_one_smtp_connection_for_all_its_batches(smtp, monkeypatch):
    monkeypatch.setattr(delivery, "DRAIN_BATCH_SIZE", 10)
    rows(35)
    assert tasks.outbox_drain() == 35
    assert smtp.opened == 1
    assert committed_statuses() == {"sent": 35}
    assert len({m.to[0] for m in mail.outbox}) == 35 == len(mail.outbox)
