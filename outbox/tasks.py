"""Celery tasks: thin, they take ids and call `outbox.delivery`. All are safe to run twice."""

import logging
import time

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from . import delivery

log = logging.getLogger(__name__)

DRAIN_BUDGET_SECONDS = 150


@shared_task(acks_late=True)
def outbox_message_send(message_id: int) -> int:
    """Deliver one queued message (queued by `message_queue` after commit)."""
    return delivery.outbox_deliver(ids=[message_id], limit=1).sent


@shared_task(acks_late=True)
def outbox_drain() -> int:
    """Deliver due messages batch by batch; run by beat every minute and after a batch (a
    newsletter issue) is released. Re-queues itself when its time budget ends with work left."""
    started = time.monotonic()
    sent = 0
    smtp = delivery.smtp_connection()  # one SMTP connection for every batch of this drain
    try:
        while True:
            result = delivery.outbox_deliver(limit=delivery.DRAIN_BATCH_SIZE, smtp=smtp)
            sent += result.sent
            if result.claimed == 0:
                delivery.batches_finish()
                return sent
            if time.monotonic() - started > DRAIN_BUDGET_SECONDS:
                outbox_drain.delay()
                return sent
    finally:
        smtp.close()


@shared_task
def outbox_prune() -> int:
    """Daily: the bodies of mail older than the retention period go; the delivery log stays."""
    return delivery.outbox_prune()


def enqueue_on_commit(task, *args) -> None:
    """Queue `task` after the caller's transaction commits. If the broker cannot be reached,
    the committed outbox rows wait for the next beat drain; the user's request does not fail."""

    def publish():
        try:
            task.apply_async(
                args=args,
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
            )
        except OperationalError:
            log.warning("Broker unreachable; %s waits for the next outbox drain", task.name)

    transaction.on_commit(publish)
