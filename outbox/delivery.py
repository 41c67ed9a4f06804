"""Delivering the outbox: claim rows under a lease, send them over one SMTP connection (kept
across the batches of a drain), and mark them sent as the server accepts them.

Why this shape ("killed mid-batch: nothing lost, nothing twice"):
- A claim locks due rows with `SELECT ... FOR UPDATE SKIP LOCKED`, marks them `sending` with a
  claim token and a lease, and commits. Concurrent workers and duplicate tasks skip locked rows
  and never see `sending` rows with a live lease, so no row is claimed twice.
- Each message is marked `sent` as soon as the SMTP server accepted it, by a conditional update
  (`WHERE claim_token = <ours>`), durable (autocommit). The marks are written by a thread with
  its own connection while the next messages go out (`_SentMarks`): what queued up during one
  commit goes in the next single UPDATE, so a worker pays one commit per group, not per message,
  and never waits for the disk between two sends. A worker never sends a message whose lease
  could have run out before the send finishes (the lease outlives the SMTP timeout).
- A worker killed after claiming leaves `sending` rows whose lease runs out; the next drain (beat,
  every minute) claims and sends them. Nothing is lost.
- The one window for a second copy: the process is killed (SIGKILL, power loss) after the server
  accepted the message and before its `sent` mark commits: one database round trip after the
  acceptance (as with a mark per message). An exception in that window (a soft time limit) still
  marks the row sent, and every mark is committed before a claim's unsent rows go back to the
  queue. A copy sent after such a crash carries the same Message-ID, so systems that deduplicate
  drop it.
"""

import logging
import queue
import smtplib
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from . import registry, services
from .headers import OutboxEmail
from .models import Batch, OutboxAttachment, OutboxMessage, SuppressedAddress

log = logging.getLogger(__name__)

BATCH_SIZE = 25
# A drain task claims more at a time: fewer claim round trips for a newsletter's thousands.
DRAIN_BATCH_SIZE = 100
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def lease_duration() -> timedelta:
    return timedelta(seconds=getattr(settings, "MAILINGS_LEASE_SECONDS", 180))


def _send_timeout() -> timedelta:
    """How long one send may take at most: the SMTP timeout plus a margin."""
    timeout = mailers.settings.get("default", {}).get("OPTIONS", {}).get("timeout") or 20
    return timedelta(seconds=float(timeout) * 2 + 5)


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    batch_ids: set[int] = field(default_factory=set)


class _ConnectionBroken(Exception):
    """The SMTP connection is unusable; the rest of the batch is retried later."""


def outbox_claim(
    *, limit: int = BATCH_SIZE, ids: list[int] | None = None, transactional_only: bool = False
):
    """Lock and mark up to `limit` due rows as ours (with `transactional_only`, none of a
    newsletter's batch). Returns (claim token, lease end, ids)."""
    now = timezone.now()
    token = uuid.uuid4()
    lease_until = now + lease_duration()
    with transaction.atomic():
        due = OutboxMessage.objects.due(now)
        if ids is not None:
            due = due.filter(id__in=ids)
        if transactional_only:
            due = due.filter(batch_id__isnull=True)
        claimed = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if claimed:
            OutboxMessage.objects.filter(id__in=claimed).update(
                status=OutboxMessage.Status.SENDING,
                claim_token=token,
                lease_until=lease_until,
                attempts=F("attempts") + 1,
            )
    return token, lease_until, claimed


def email_build(message: OutboxMessage) -> EmailMultiAlternatives:
    email = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, **message.headers},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return email


def _finish(message: OutboxMessage, token, **fields) -> bool:
    """Conditional update of a row we hold, in its own short transaction.

    With MAILINGS_ASYNC_SENT_MARKS the commit does not wait for the disk (PostgreSQL's
    `synchronous_commit = off` for this transaction only), saving one disk flush per message.
    A killed worker loses nothing by it (the commit is already visible to every session); only
    a crash of the PostgreSQL server itself can forget the last fraction of a second of marks,
    and those messages would be sent again. Off by default.

    The row is found by primary key and claim token alone: a token means `sending` (a check
    constraint). A status condition would let PostgreSQL choose outbox_pending_idx instead,
    and with statistics that predate a newsletter (10,000 rows rarely reach the tenth of the
    log that makes autovacuum analyse it again) it read every pending row for each mark."""
    ours = OutboxMessage.objects.filter(pk=message.pk, claim_token=token)
    if getattr(settings, "MAILINGS_ASYNC_SENT_MARKS", False):
        with transaction.atomic():
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            updated = ours.update(lease_until=None, claim_token=None, **fields)
    else:
        updated = ours.update(lease_until=None, claim_token=None, **fields)  # autocommit
    if not updated:
        log.warning("outbox message %s was no longer ours when finishing it", message.pk)
    return bool(updated)


class _SentMarks:
    """The `sent` marks of one claim, committed by a thread of their own (its own database
    connection, durable commits) while the SMTP conversation goes on: each mark is queued the
    moment the server accepted the message, and the thread commits all that queued up while its
    previous commit was on disk in one conditional UPDATE (group commit). The window for a second
    copy stays what it was, a database round trip after the acceptance; the sending loop no
    longer waits for it. `flush()` waits for every mark before the claim's leftovers go back to
    the queue.

    Inside a transaction (tests, or a caller's atomic block) another connection could neither see
    the claimed rows nor update them: the marks are then written at once, as before."""

    def __init__(self, token):
        self.token = token
        self.count = 0
        self._queue: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._inline = db_connection.in_atomic_block

    def add(self, message: OutboxMessage) -> None:
        self.count += 1
        if self._inline:
            _finish(message, self.token, **_sent_fields())
            return
        if self._thread is None:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._run, name="outbox-sent-marks", daemon=True)
            self._thread.start()
        self._queue.put(message.pk)

    def flush(self) -> None:
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        from django.db import connections

        try:
            done = False
            while not done:
                ids = [self._queue.get()]
                while True:  # everything that queued up meanwhile, in one statement
                    try:
                        ids.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                if None in ids:
                    done = True
                    ids = [i for i in ids if i is not None]
                if ids:
                    self._mark(ids)
        except BaseException as error:  # noqa: BLE001 - re-raised by flush() in the sender
            self._error = error
        finally:
            connections.close_all()  # this thread's own connection

    def _mark(self, ids: list[int]) -> None:
        ours = OutboxMessage.objects.filter(pk__in=ids, claim_token=self.token)  # see _finish
        if getattr(settings, "MAILINGS_ASYNC_SENT_MARKS", False):
            with transaction.atomic():
                with db_connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                updated = ours.update(lease_until=None, claim_token=None, **_sent_fields())
        else:
            # Autocommit: durable.
            updated = ours.update(lease_until=None, claim_token=None, **_sent_fields())
        if updated != len(ids):
            log.warning(
                "%s of %s sent outbox messages were no longer ours", len(ids) - updated, len(ids)
            )


def _sent_fields() -> dict:
    return {
        "status": OutboxMessage.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
    }


def _retry_later(message: OutboxMessage, token, error: str) -> str:
    attempts = message.attempts  # loaded after the claim counted this attempt
    if attempts >= MAX_ATTEMPTS:
        _finish(message, token, status=OutboxMessage.Status.FAILED, last_error=error[:2000])
        return "failed"
    _finish(
        message,
        token,
        status=OutboxMessage.Status.QUEUED,
        next_attempt_at=timezone.now() + backoff(attempts),
        last_error=error[:2000],
    )
    return "retried"


def _fail_permanently(message: OutboxMessage, token, error: str, *, suppress: bool) -> None:
    with transaction.atomic():
        if suppress:
            SuppressedAddress.objects.get_or_create(
                email=message.to, defaults={"detail": error[:2000]}
            )
        _finish(message, token, status=OutboxMessage.Status.FAILED, last_error=error[:2000])


class _BatchConnection:
    """One SMTP connection, opened at the first send and kept for the batch, or for every
    batch of a drain that passes it on (`outbox_deliver(smtp=...)`). (Django's SMTP backend
    opens and closes a connection per call unless it was opened beforehand.)"""

    def __init__(self):
        self.backend = mailers.default
        self.is_open = False

    def send(self, email: EmailMultiAlternatives) -> None:
        if not self.is_open:
            self.backend.open()
            self.is_open = True
        self.backend.send_messages([email])

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            self.backend.close()


def _send_one(smtp: _BatchConnection, message: OutboxMessage) -> tuple[str, str]:
    """Send one message. Returns (outcome, error text); raises _ConnectionBroken."""
    try:
        smtp.send(email_build(message))
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (550, b""))
        detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        return ("permanent_address" if code >= 500 else "temporary"), detail
    except smtplib.SMTPDataError as error:
        detail = f"{error.smtp_code} {error.smtp_error!r}"
        return ("permanent" if error.smtp_code >= 500 else "temporary"), detail
    except smtplib.SMTPServerDisconnected as error:
        raise _ConnectionBroken(f"disconnected: {error}") from error
    except smtplib.SMTPResponseException as error:
        # Sender refused, authentication, HELO: the server or our configuration, not the
        # recipient. Retried; the connection is reset.
        raise _ConnectionBroken(f"{error.smtp_code} {error.smtp_error!r}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise _ConnectionBroken(f"{type(error).__name__}: {error}") from error
    return "sent", ""


def _render_claimed(message: OutboxMessage, token, result: DeliveryResult) -> bool:
    """Render a row queued as an intent, now that we hold it. False when it is not to be
    sent now (skipped: nothing to send any more; or retried later: the rendering failed)."""
    try:
        if services.message_render(message=message, claim_token=token):
            return True
    except Exception as error:  # noqa: BLE001 - a broken template must not stop the batch
        log.exception("rendering outbox message %s failed", message.pk)
        if _retry_later(message, token, f"rendering: {type(error).__name__}: {error}") == "failed":
            result.failed += 1
        else:
            result.retried += 1
        return False
    _finish(message, token, status=OutboxMessage.Status.SKIPPED)
    result.skipped += 1
    return False


def smtp_connection() -> _BatchConnection:
    """An SMTP connection to pass to several `outbox_deliver` calls (close it after)."""
    return _BatchConnection()


def outbox_deliver(
    *,
    limit: int = BATCH_SIZE,
    ids: list[int] | None = None,
    smtp: _BatchConnection | None = None,
    transactional_only: bool = False,
) -> DeliveryResult:
    """Claim one batch of due messages (`transactional_only`: none of a newsletter's) and
    deliver it over one SMTP connection: `smtp`, kept open for the caller's next batch, or a
    new one closed at the end."""
    result = DeliveryResult()
    token, lease_until, claimed = outbox_claim(
        limit=limit, ids=ids, transactional_only=transactional_only
    )
    result.claimed = len(claimed)
    if not claimed:
        return result
    messages = list(
        OutboxMessage.objects.filter(id__in=claimed, claim_token=token)
        .prefetch_related("attachments")
        .order_by("next_attempt_at", "id")
    )
    addresses = {message.to for message in messages}
    suppressed = set(
        SuppressedAddress.objects.filter(email__in=addresses).values_list("email", flat=True)
    )
    bulk = {message.to for message in messages if message.batch_id}
    excluded_from_bulk = registry.bulk_mail_excluded(bulk) if bulk else set()
    pending = list(messages)
    accepted = None  # accepted by the server, not yet marked sent
    keep_open = smtp is not None
    smtp = smtp or _BatchConnection()
    marks = _SentMarks(token)
    try:
        while pending:
            message = pending.pop(0)
            if message.batch_id:
                result.batch_ids.add(message.batch_id)
            if message.to in suppressed or (message.batch_id and message.to in excluded_from_bulk):
                _finish(message, token, status=OutboxMessage.Status.SKIPPED)
                result.skipped += 1
                continue
            if message.render_with and not _render_claimed(message, token, result):
                continue
            if timezone.now() + _send_timeout() >= lease_until:
                # Our lease could run out during this send; hand the rest back.
                pending.insert(0, message)
                break
            try:
                outcome, error = _send_one(smtp, message)
            except _ConnectionBroken as broken:
                _close_quietly(smtp)  # a kept connection is opened afresh next time
                for other in [message, *pending]:
                    if _retry_later(other, token, str(broken)) == "failed":
                        result.failed += 1
                    else:
                        result.retried += 1
                pending = []
                break
            if outcome == "sent":
                accepted = message
                marks.add(message)
                accepted = None
                result.sent += 1
            elif outcome == "temporary":
                if _retry_later(message, token, error) == "failed":
                    result.failed += 1
                else:
                    result.retried += 1
            else:
                _fail_permanently(message, token, error, suppress=outcome == "permanent_address")
                result.failed += 1
    finally:
        if not keep_open:
            _close_quietly(smtp)
        if accepted is not None:
            # Interrupted (a soft time limit, say) after the server took it: it is sent.
            _finish(accepted, token, status=OutboxMessage.Status.SENT, sent_at=timezone.now())
        marks.flush()  # every accepted message marked before the rest goes back
        # Rows we claimed but did not get to (lease too short, an exception): back to the queue.
        OutboxMessage.objects.filter(id__in=claimed, claim_token=token).update(
            status=OutboxMessage.Status.QUEUED, lease_until=None, claim_token=None
        )
    batches_finish(ids=result.batch_ids)
    return result


def _close_quietly(smtp: _BatchConnection) -> None:
    try:
        smtp.close()
    except Exception:  # noqa: BLE001 - closing a broken connection must not hide the batch
        log.debug("closing the SMTP connection failed", exc_info=True)


def batches_finish(*, ids: Iterable[int] | None = None) -> int:
    """Mark released, unheld batches with nothing left to deliver as finished, and tell the
    apps that registered for it (newsletters marks its issue sent)."""
    unfinished = Batch.objects.filter(finished_at__isnull=True, is_held=False)
    if ids is not None:
        unfinished = unfinished.filter(id__in=list(ids))
    open_rows = OutboxMessage.objects.filter(
        batch=OuterRef("pk"),
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING],
    )
    with transaction.atomic():
        done = list(
            unfinished.exclude(Exists(open_rows))
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if done:
            Batch.objects.filter(id__in=done).update(finished_at=timezone.now())
            registry.batches_finished(done)
    return len(done)


RETENTION = timedelta(days=90)


def outbox_prune(*, older_than: timedelta = RETENTION) -> int:
    """Drop the bodies and attachments of finished mail after the retention period; the log
    line (recipient, subject, status, times) stays. Returns the number of rows pruned."""
    finished = OutboxMessage.objects.filter(
        status__in=[
            OutboxMessage.Status.SENT,
            OutboxMessage.Status.FAILED,
            OutboxMessage.Status.SKIPPED,
        ],
        created_at__lt=timezone.now() - older_than,
    ).exclude(body_text="", body_html="")
    with transaction.atomic():
        OutboxAttachment.objects.filter(message__in=finished).delete()
        return finished.update(body_text="", body_html="")
