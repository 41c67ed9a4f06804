"""Writes of the mailings app. Every mail the portal sends goes through `message_queue`."""

from collections.abc import Iterable
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import OutboxAttachment, OutboxMessage
from .rendering import mail_language, mail_render
from .validators import email_normalise, validate_mail_address

Attachment = tuple[str, bytes | str, str]


def _message_id_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[1] if "@" in address else "almennet.dk"


def message_id_new() -> str:
    return make_msgid(idstring="almennet", domain=_message_id_domain())


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
      `<prefix>_body.html` (extending "mailings/mail_base.html") is used when it exists.
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
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
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
                )
        except IntegrityError:
            # Another transaction queued the same key first (and has committed by now).
            if dedup_key:
                return OutboxMessage.objects.get(dedup_key=dedup_key)
            raise
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(
                message=message,
                filename=filename,
                mimetype=mimetype,
                content=content.encode() if isinstance(content, str) else bytes(content),
            )
            for filename, content, mimetype in attachments
        )
    from .tasks import outbox_message_send

    outbox_message_send.delay_on_commit(message.pk)
    return message
