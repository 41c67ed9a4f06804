"""Writes of the mailings app. Every mail the portal sends goes through `message_queue`."""

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import (
    Consent,
    Newsletter,
    OutboxAttachment,
    OutboxMessage,
    Subscriber,
    SuppressedAddress,
)
from .rendering import mail_language, mail_render
from .richtext import html_to_text, newsletter_body_clean
from .selectors import newsletter_audience, newsletter_cards
from .tokens import (
    CONFIRM_VALID_DAYS,
    confirm_token_make,
    confirm_token_read,
    unsubscribe_token_make,
)
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
    from .tasks import enqueue_on_commit, outbox_message_send

    enqueue_on_commit(outbox_message_send, message.pk)
    return message


# --- Subscriptions: double opt-in, consent records, unsubscribe ---

CONSENT_TEXT = _(
    "Yes, send me AlmenNet's newsletter by email. I can unsubscribe at any time with the link "
    "in every newsletter."
)


def subscription_request(
    *, email: str, name: str = "", language: str | None = None, source: str, user=None
) -> Subscriber:
    """Record the wish to subscribe and mail a signed, expiring confirmation link.

    An address that is already confirmed gets no mail (the caller answers the same either way,
    so the form does not reveal who subscribes). At most one confirmation mail per address per
    hour, whatever the number of requests.
    """
    email = email_normalise(email)
    validate_mail_address(email)
    language = mail_language(language, user)
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"name": name, "language": language, "user": user}
        )
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        subscriber.status = Subscriber.Status.PENDING
        subscriber.name = name or subscriber.name
        subscriber.language = language
        subscriber.user = subscriber.user or user
        subscriber.save()
        with translation.override(language):
            consent_text = str(CONSENT_TEXT)
        Consent.objects.create(
            subscriber=subscriber,
            action=Consent.Action.REQUESTED,
            source=source[:100],
            text=consent_text,
            at=now,
        )
        message_queue(
            to=email,
            template="mailings/mail/subscribe_confirm",
            context={
                "name": subscriber.name,
                "confirm_url": settings.SITE_URL
                + _url_in(language, "mailings:confirm", token=confirm_token_make(email)),
                "valid_days": CONFIRM_VALID_DAYS,
            },
            language=language,
            dedup_key=f"mailings:confirm:{email}:{now:%Y%m%d%H}",
        )
    return subscriber


class SubscriptionError(ValidationError):
    pass


def subscription_confirm(
    *, token: str, source: str = "confirmation link"
) -> tuple[Subscriber, bool]:
    """Confirm from the signed link. Returns (subscriber, already confirmed before).

    Raises ExpiredToken or BadToken for a link that is too old or forged, SubscriptionError for
    an address we have no pending subscription for."""
    email = confirm_token_read(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            raise SubscriptionError(
                _("There is no subscription waiting for confirmation at this address."),
                code="not_pending",
            )
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber, True
        requested = subscriber.consents.filter(action=Consent.Action.REQUESTED).last()
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        Consent.objects.create(
            subscriber=subscriber,
            action=Consent.Action.CONFIRMED,
            source=source[:100],
            text=requested.text if requested else "",
        )
    return subscriber, False


class WithdrawOutcome:
    UNSUBSCRIBED = "unsubscribed"
    ALREADY = "already"
    UNKNOWN = "unknown"


def subscription_withdraw(*, email: str, source: str) -> str:
    """Unsubscribe an address from every newsletter, now and later; returns a WithdrawOutcome.

    An unknown address is recorded as unsubscribed too, so that no audience (member contacts,
    board) mails it either. Newsletter mail still queued for it is dropped."""
    email = email_normalise(email)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email,
            defaults={"status": Subscriber.Status.UNSUBSCRIBED, "unsubscribed_at": timezone.now()},
        )
        if created:
            outcome = WithdrawOutcome.UNKNOWN
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            outcome = WithdrawOutcome.ALREADY
        else:
            outcome = WithdrawOutcome.UNSUBSCRIBED
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
        if outcome != WithdrawOutcome.ALREADY:
            Consent.objects.create(
                subscriber=subscriber, action=Consent.Action.WITHDRAWN, source=source[:100]
            )
        OutboxMessage.objects.filter(
            to=email, newsletter__isnull=False, status=OutboxMessage.Status.QUEUED
        ).update(status=OutboxMessage.Status.SKIPPED)
    return outcome


def _url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def unsubscribe_url(*, email: str, language: str) -> str:
    return settings.SITE_URL + _url_in(
        language, "mailings:unsubscribe", token=unsubscribe_token_make(email_normalise(email))
    )


# --- Newsletters ---

NEWSLETTER_TEMPLATE = "mailings/mail/newsletter"
_UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__almennet_unsubscribe__/"


def _newsletter_context(newsletter: Newsletter) -> dict:
    return {
        "newsletter": newsletter,
        "body": mark_safe(  # noqa: S308 - sanitised just here
            newsletter_body_clean(newsletter.body, base_url=settings.SITE_URL)
        ),
        "body_text": html_to_text(newsletter.body),
        "cards": newsletter_cards(newsletter=newsletter),
        "archive_url": settings.SITE_URL + newsletter.get_absolute_url(),
    }


def _list_unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def newsletter_render(*, newsletter: Newsletter, language: str, email: str | None = None):
    """The mail of this newsletter in a language; with `email`, its own unsubscribe link."""
    context = _newsletter_context(newsletter)
    context["unsubscribe_url"] = (
        unsubscribe_url(email=email, language=language) if email else _UNSUBSCRIBE_PLACEHOLDER
    )
    return mail_render(template=NEWSLETTER_TEMPLATE, context=context, language=language)


def newsletter_test_send(*, newsletter: Newsletter, user) -> OutboxMessage:
    """A copy to the staff member themselves, marked as a test, not counted in the issue."""
    language = mail_language(None, user)
    url = unsubscribe_url(email=user.email, language=language)
    context = _newsletter_context(newsletter) | {"unsubscribe_url": url, "is_test": True}
    return message_queue(
        to=user,
        template=NEWSLETTER_TEMPLATE,
        context=context,
        language=language,
        headers=_list_unsubscribe_headers(url),
    )


@dataclass(frozen=True)
class SendOutcome:
    started: bool
    queued: int


def newsletter_send(*, newsletter: Newsletter, actor) -> SendOutcome:
    """Release a draft to its audience, once.

    The newsletter row is locked and must still be a draft: a double click or two staff members
    at once get `started=False` and queue nothing. Each address gets one row (unique per
    newsletter and address). Rendering happens once per language; only the unsubscribe link
    differs per recipient."""
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if locked.status != Newsletter.Status.DRAFT:
            return SendOutcome(started=False, queued=0)
        recipients = newsletter_audience(newsletter=locked)
        if not recipients:
            raise ValidationError(
                _("Nobody is in the chosen audience; choose at least one group with addresses."),
                code="empty_audience",
            )
        now = timezone.now()
        locked.status = Newsletter.Status.SENDING
        locked.issued_at = now
        locked.sent_by = actor if getattr(actor, "pk", None) else None
        locked._history_user = locked.sent_by
        locked._change_reason = "sent"
        locked.save(update_fields=["status", "issued_at", "sent_by", "updated_at"])
        rendered = {}
        rows = []
        for recipient in recipients:
            language = mail_language(recipient.language)
            if language not in rendered:
                rendered[language] = newsletter_render(newsletter=locked, language=language)
            mail = rendered[language]
            url = unsubscribe_url(email=recipient.email, language=language)
            rows.append(
                OutboxMessage(
                    to=recipient.email,
                    user_id=recipient.user_id,
                    language=language,
                    template=NEWSLETTER_TEMPLATE,
                    subject=mail.subject,
                    body_text=mail.text.replace(_UNSUBSCRIBE_PLACEHOLDER, url),
                    body_html=mail.html.replace(_UNSUBSCRIBE_PLACEHOLDER, url),
                    headers=_list_unsubscribe_headers(url),
                    message_id=message_id_new(),
                    newsletter=locked,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        OutboxMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        newsletter_release_on_commit()
    newsletter.refresh_from_db()
    return SendOutcome(started=True, queued=len(rows))


def newsletter_release_on_commit() -> None:
    """After commit, start enough drain tasks for the workers to share the issue."""
    from .tasks import enqueue_on_commit, outbox_drain

    for _i in range(getattr(settings, "MAILINGS_PARALLEL_DRAINS", 2)):
        enqueue_on_commit(outbox_drain)


def _newsletter_transition(
    *, newsletter: Newsletter, actor, source: str, target: str, reason: str
) -> bool:
    """Move a locked newsletter from `source` to `target`, recording who did it (history)."""
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if locked.status != source:
            return False
        locked.status = target
        locked._history_user = actor if getattr(actor, "pk", None) else None
        locked._change_reason = reason
        locked.save(update_fields=["status", "updated_at"])
        if target == Newsletter.Status.SENDING:
            newsletter_release_on_commit()
    newsletter.refresh_from_db()
    return True


def newsletter_pause(*, newsletter: Newsletter, actor) -> bool:
    """Stop handing out the issue's queued rows. Rows already claimed by a worker (at most one
    batch per worker) still go. Returns False when it was not sending."""
    return _newsletter_transition(
        newsletter=newsletter,
        actor=actor,
        source=Newsletter.Status.SENDING,
        target=Newsletter.Status.PAUSED,
        reason="paused",
    )


def newsletter_resume(*, newsletter: Newsletter, actor) -> bool:
    return _newsletter_transition(
        newsletter=newsletter,
        actor=actor,
        source=Newsletter.Status.PAUSED,
        target=Newsletter.Status.SENDING,
        reason="resumed",
    )


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


def user_mail_data_erase(*, user) -> None:
    """Before an account is deleted: remove the person's subscription, consents, mail log and
    any failing-address record. Newsletter mail still queued for them goes with it."""
    email = email_normalise(user.email)
    with transaction.atomic():
        OutboxMessage.objects.filter(Q(to=email) | Q(user=user)).exclude(
            status=OutboxMessage.Status.SENDING
        ).delete()
        Subscriber.objects.filter(email=email).delete()
        SuppressedAddress.objects.filter(email=email).delete()
