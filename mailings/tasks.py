"""Celery tasks: thin, they take ids and call `mailings.delivery`. All are safe to run twice."""

import time

from celery import shared_task

from . import delivery

DRAIN_BUDGET_SECONDS = 150


@shared_task(acks_late=True)
def outbox_message_send(message_id: int) -> int:
    """Deliver one queued message (queued by `message_queue` after commit)."""
    return delivery.outbox_deliver(ids=[message_id], limit=1).sent


@shared_task(acks_late=True)
def outbox_drain() -> int:
    """Deliver due messages batch by batch; run by beat every minute and after a newsletter is
    released. Re-queues itself when its time budget ends with work left."""
    started = time.monotonic()
    sent = 0
    while True:
        result = delivery.outbox_deliver()
        sent += result.sent
        if result.claimed == 0:
            delivery.newsletters_finish()
            return sent
        if time.monotonic() - started > DRAIN_BUDGET_SECONDS:
            outbox_drain.delay()
            return sent
