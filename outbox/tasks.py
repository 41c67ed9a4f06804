"""Celery tasks: thin, they take ids and call `outbox.delivery`. All are safe to run twice."""

import logging
import time

from celery import current_app, shared_task
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
    return _drain(outbox_drain, transactional_only=False)


@shared_task(acks_late=True)
def outbox_send_transactional() -> int:
    """Deliver the due mail that belongs to no newsletter batch (confirmations and the like),
    batch by batch: what `message_deliver_soon` asks for, at most once a second, while mail is
    queued faster than that (a sign-up rush). A newsletter being sent does not hold it up."""
    return _drain(outbox_send_transactional, transactional_only=True)


def _drain(task, *, transactional_only: bool) -> int:
    started = time.monotonic()
    sent = 0
    smtp = delivery.smtp_connection()  # one SMTP connection for every batch of this drain
    try:
        while True:
            result = delivery.outbox_deliver(
                limit=delivery.DRAIN_BATCH_SIZE, smtp=smtp, transactional_only=transactional_only
            )
            sent += result.sent
            if result.claimed == 0:
                if not transactional_only:
                    delivery.batches_finish()
                return sent
            if time.monotonic() - started > DRAIN_BUDGET_SECONDS:
                task.delay()
                return sent
    finally:
        smtp.close()


@shared_task
def outbox_prune() -> int:
    """Daily: the bodies of mail older than the retention period go; the delivery log stays."""
    return delivery.outbox_prune()


def _publish(task, *args, countdown: float | None = None) -> None:
    try:
        task.apply_async(
            args=args,
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        )
    except OperationalError:
        log.warning("Broker unreachable; %s waits for the next outbox drain", task.name)


def enqueue_on_commit(task, *args) -> None:
    """Queue `task` after the caller's transaction commits. If the broker cannot be reached,
    the committed outbox rows wait for the next beat drain; the user's request does not fail."""
    transaction.on_commit(lambda: _publish(task, *args))


# Mail queued one message at a time (a confirmation, a receipt) is sent by one task for all
# that were committed within a second of each other, not by a task each: at a hundred sign-ups
# a second, publishing a task per message cost each sign-up 0.4 ms of CPU and the worker a task
# per mail. The first message after a quiet second sets the key and publishes
# outbox_send_transactional to run once the key has expired; a message committed while the key
# lives was committed before that task starts, so it finds it.
KICK_KEY = "outbox:send-soon"
KICK_SECONDS = 1
KICK_DELAY_SECONDS = KICK_SECONDS + 1  # a second to spare for clocks that differ between hosts


def message_deliver_soon(message_id: int) -> None:
    """After the caller's transaction commits, have the message delivered within about two
    seconds. Run eagerly (no broker) or with the cache down, its own task is queued at once."""
    from django.core.cache import cache

    def publish():
        if current_app.conf.task_always_eager or not getattr(cache, "is_available", True):
            _publish(outbox_message_send, message_id)
        elif cache.add(KICK_KEY, message_id, timeout=KICK_SECONDS):
            _publish(outbox_send_transactional, countdown=KICK_DELAY_SECONDS)
        elif not getattr(cache, "is_available", True):  # the cache failed just now
            _publish(outbox_message_send, message_id)

    transaction.on_commit(publish)
