"""Writes of the outbox. Every mail the portal sends goes through `message_queue`."""

import functools
from collections.abc import Iterable
from contextlib import nullcontext
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from . import registry
from .models import Batch, OutboxAttachment, OutboxMessage, SuppressedAddress
from .rendering import mail_language, mail_render
from .validators import email_normalise, validate_mail_address

Attachment = tuple[str, bytes | str, str]


@functools.lru_cache(maxsize=8)
def _domain_of(from_email: str) -> str:
    address = parseaddr(from_email)[1]
    return address.rsplit("@", 1)[1] if "@" in address else "almennet.dk"


def message_id_new() -> str:
    # The sender's domain is parsed once per setting value, not once per mail (a newsletter's
    # 10,000 mails, each sign-up's confirmation).
    return make_msgid(idstring="almennet", domain=_domain_of(settings.DEFAULT_FROM_EMAIL))


def message_queue(
    *,
    to,
    template: str,
    context: dict | None = None,
    attachments: Iterable[Attachment] = (),
    dedup_key: str | None = None,
    language: str | None = None,
    user=None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue one mail to one recipient, in the caller's transaction, and deliver it after commit.

    - `to`: an address, or a user (whose address and preferred language are then used).
    - `template`: a prefix; `<prefix>_subject.txt` and `<prefix>_body.txt` must exist,
      `<prefix>_body.html` (extending "outbox/mail_base.html") is used when it exists.
      Rendered now, in the recipient's language, with `context` plus `SITE_URL`.
    - `attachments`: `(filename, content, mimetype)` tuples, e.g.
      `("event.ics", ics_bytes, "text/calendar")`.
    - `dedup_key`: queueing again with the same key returns the existing row and sends nothing
      more (e.g. f"events.confirmation:{registration.pk}").

    If the caller's transaction rolls back, the row and its delivery vanish with it.
    Raises ValidationError for an address that is not a valid mail address.
    """
    if hasattr(to, "email"):
        user = user or to
        to = to.email
    to = email_normalise(to)
    validate_mail_address(to)
    language = mail_language(language, user)

    if dedup_key:
        existing = OutboxMessage.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing

    rendered = mail_render(template=template, context=dict(context or {}), language=language)
    return _message_insert(
        OutboxMessage(
            to=to,
            user=user if getattr(user, "pk", None) else None,
            language=language,
            template=template,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            headers=dict(headers or {}),
            message_id=message_id_new(),
            dedup_key=dedup_key or None,
        ),
        attachments,
    )


def message_queue_deferred(
    *,
    to,
    template: str,
    renderer: str,
    data: dict,
    dedup_key: str | None = None,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    key_is_new: bool = False,
) -> OutboxMessage:
    """Queue the intent of a mail, in the caller's transaction: a row with what is needed to
    render it (`data`, JSON), rendered and sent by the worker after commit. For writes that
    hold a lock (an event's seats): the caller pays one small insert, not the rendering.

    `renderer` names a builder registered with `registry.register_renderer`, which turns
    `data` into the template's context and the attachments when the worker renders the row.
    The rest is as `message_queue`; the address is validated now. `key_is_new` says that no
    row can hold the dedup key yet (it names a row the caller inserted in this transaction):
    then the insert needs no savepoint to meet a clash.
    """
    user = None
    if hasattr(to, "email"):
        user = to
        to = to.email
    to = email_normalise(to)
    validate_mail_address(to)
    language = mail_language(language, user)
    # No look-up of the dedup key first: the insert meets the unique constraint instead (one
    # round trip less while the caller may hold a lock).
    return _message_insert(
        OutboxMessage(
            to=to,
            user=user if getattr(user, "pk", None) else None,
            language=language,
            template=template,
            subject="",
            body_text="",
            headers=dict(headers or {}),
            message_id=message_id_new(),
            dedup_key=dedup_key or None,
            render_with=renderer,
            render_data=dict(data),
        ),
        (),
        savepoint=not key_is_new,
    )


def _message_insert(
    message: OutboxMessage, attachments: Iterable[Attachment], *, savepoint: bool = True
) -> OutboxMessage:
    attachments = list(attachments)
    # Savepoints only where needed: callers may hold a lock (an event's seats) meanwhile.
    with transaction.atomic() if attachments else nullcontext():
        try:
            with transaction.atomic() if message.dedup_key and savepoint else nullcontext():
                message.save(force_insert=True)
        except IntegrityError:
            # Another transaction queued the same key first (and has committed by now).
            if message.dedup_key:
                return OutboxMessage.objects.get(dedup_key=message.dedup_key)
            raise
        _attachments_add(message, attachments)
    from .tasks import message_deliver_soon

    message_deliver_soon(message.pk)
    return message


def _attachments_add(message: OutboxMessage, attachments: Iterable[Attachment]) -> None:
    OutboxAttachment.objects.bulk_create(
        OutboxAttachment(
            message=message,
            filename=filename,
            mimetype=mimetype,
            content=content.encode() if isinstance(content, str) else bytes(content),
        )
        for filename, content, mimetype in attachments
    )


def message_render(*, message: OutboxMessage, claim_token=None) -> bool:
    """Render a row queued with `message_queue_deferred` (the worker does this after claiming
    it): its renderer builds the context from the stored data, in the recipient's language,
    and the subject, bodies and attachments are stored on the row. With `claim_token`, only
    while the row is still claimed with it. Returns False when there is nothing to send any
    more (the renderer returned None); the caller skips the row. A row already rendered is
    left alone (True)."""
    if not message.render_with:
        return True
    with translation.override(message.language):
        parts = registry.renderer(message.render_with)(dict(message.render_data))
    if parts is None:
        return False
    rendered = mail_render(
        template=message.template, context=dict(parts.context), language=message.language
    )
    fields = {
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "render_with": "",
    }
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk=message.pk, render_with=message.render_with)
        if claim_token is not None:
            rows = rows.filter(claim_token=claim_token)
        if not rows.update(**fields):
            message.refresh_from_db()
            if message.render_with:
                raise LookupError(f"outbox message {message.pk} is no longer ours to render")
            return True  # rendered meanwhile by whoever holds it now
        _attachments_add(message, parts.attachments)
    for name, value in fields.items():
        setattr(message, name, value)
    if hasattr(message, "_prefetched_objects_cache"):
        message._prefetched_objects_cache.pop("attachments", None)
    return True


def batch_release(*, label: str, messages: list[OutboxMessage]) -> Batch:
    """Queue many ready-rendered rows as one batch, in the caller's transaction, and start
    enough drain tasks after commit for the workers to share it. One row per address (a
    second row for the same address in the batch is dropped)."""
    with transaction.atomic():
        batch = Batch.objects.create(label=label[:200])
        for message in messages:
            message.batch = batch
            message.message_id = message.message_id or message_id_new()
        OutboxMessage.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)
        batch_drain_on_commit()
    return batch


def batch_drain_on_commit() -> None:
    """After commit, start enough drain tasks for the workers to share a batch."""
    from .tasks import enqueue_on_commit, outbox_drain

    for _i in range(getattr(settings, "MAILINGS_PARALLEL_DRAINS", 2)):
        enqueue_on_commit(outbox_drain)


def batch_hold(*, batch: Batch, is_held: bool) -> None:
    """Hold (pause) or release a batch's queued rows. Rows a worker already claimed still go."""
    Batch.objects.filter(pk=batch.pk).update(is_held=is_held)
    batch.is_held = is_held
    if not is_held:
        batch_drain_on_commit()


def bulk_mail_skip(*, email: str) -> int:
    """Drop the queued bulk mail (rows in a batch) to an address, e.g. after it unsubscribed.
    Returns how many rows were skipped."""
    return OutboxMessage.objects.filter(
        to=email_normalise(email), batch__isnull=False, status=OutboxMessage.Status.QUEUED
    ).update(status=OutboxMessage.Status.SKIPPED)


def outbox_retry(*, ids: list[int]) -> int:
    """Queue failed messages again now (after staff fixed the cause), with fresh attempts.
    Sent and queued messages are left alone. Returns how many were queued."""
    from .tasks import enqueue_on_commit, outbox_drain

    with transaction.atomic():
        count = OutboxMessage.objects.filter(id__in=ids, status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        if count:
            enqueue_on_commit(outbox_drain)
    return count


def user_mail_erase(*, user) -> None:
    """Before an account is deleted: remove the person's mail log and any failing-address
    record. Mail still queued for them goes with it."""
    email = email_normalise(user.email)
    with transaction.atomic():
        OutboxMessage.objects.filter(Q(to=email) | Q(user=user)).exclude(
            status=OutboxMessage.Status.SENDING
        ).delete()
        SuppressedAddress.objects.filter(email=email).delete()


@transaction.atomic
def address_mark_failing(*, email: str, detail: str) -> SuppressedAddress:
    """The address no longer gets mail (a hard bounce or complaint reported by the provider),
    as after a permanent SMTP refusal; mail already queued to it is skipped at delivery."""
    address, created = SuppressedAddress.objects.get_or_create(
        email=email_normalise(email),
        defaults={"reason": SuppressedAddress.Reason.HARD_BOUNCE, "detail": detail[:2000]},
    )
    if not created and address.reason == SuppressedAddress.Reason.HARD_BOUNCE:
        address.detail = detail[:2000]
        address.save(update_fields=["detail"])
    return address
