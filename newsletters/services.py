"""Writes of the newsletters app: subscriptions with consent, and releasing an issue as one
outbox batch. Mail goes through the outbox (`outbox.services`), never SMTP from here."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from activity.services import record
from outbox.models import OutboxMessage
from outbox.rendering import mail_language, mail_render
from outbox.services import (
    batch_hold,
    batch_release,
    bulk_mail_skip,
    message_id_new,
    message_queue,
)
from outbox.validators import email_normalise, validate_mail_address

from .models import Consent, Newsletter, Subscriber
from .richtext import html_to_text, newsletter_body_clean
from .selectors import newsletter_audience, newsletter_cards
from .tokens import (
    CONFIRM_VALID_DAYS,
    confirm_token_make,
    confirm_token_read,
    unsubscribe_token_make,
)

# --- Status transition tables ---

_Sub = Subscriber.Status
# Where a subscription may go from each status: a pending one is asked again, confirmed or
# withdrawn; a confirmed one only withdrawn; a withdrawn one only asked for again (double
# opt-in once more). subscription_withdraw may also create a row as unsubscribed.
SUBSCRIBER_TRANSITIONS: dict[str, frozenset[str]] = {
    _Sub.PENDING: frozenset({_Sub.PENDING, _Sub.CONFIRMED, _Sub.UNSUBSCRIBED}),
    _Sub.CONFIRMED: frozenset({_Sub.UNSUBSCRIBED}),
    _Sub.UNSUBSCRIBED: frozenset({_Sub.PENDING}),
}

_News = Newsletter.Status
# An issue is released once (draft -> sending), may be paused and resumed while sending, and is
# sent when the outbox has delivered its batch.
NEWSLETTER_TRANSITIONS: dict[str, frozenset[str]] = {
    _News.DRAFT: frozenset({_News.SENDING}),
    _News.SENDING: frozenset({_News.PAUSED, _News.SENT}),
    _News.PAUSED: frozenset({_News.SENDING}),
    _News.SENT: frozenset(),
}


def _move(instance, *, table: dict[str, frozenset[str]], to: str) -> None:
    """Set instance.status to `to` if the table allows it from the current status; refuse
    otherwise."""
    if to not in table[instance.status]:
        raise ValidationError(
            _("The status cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": type(instance).Status(instance.status).label,
                "new": type(instance).Status(to).label,
            },
            code="transition",
        )
    instance.status = to


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
        _move(subscriber, table=SUBSCRIBER_TRANSITIONS, to=Subscriber.Status.PENDING)
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
            template="newsletters/mail/subscribe_confirm",
            # No name: whoever fills in the form chooses it, and the mail goes to an address
            # that has not confirmed anything yet (it would carry anyone's text to anyone).
            context={
                "confirm_url": settings.SITE_URL
                + _url_in(language, "newsletters:confirm", token=confirm_token_make(email)),
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
        _move(subscriber, table=SUBSCRIBER_TRANSITIONS, to=Subscriber.Status.CONFIRMED)
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
            _move(subscriber, table=SUBSCRIBER_TRANSITIONS, to=Subscriber.Status.UNSUBSCRIBED)
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
        if outcome != WithdrawOutcome.ALREADY:
            Consent.objects.create(
                subscriber=subscriber, action=Consent.Action.WITHDRAWN, source=source[:100]
            )
        bulk_mail_skip(email=email)
    return outcome


def _url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def unsubscribe_url(*, email: str, language: str) -> str:
    return settings.SITE_URL + _url_in(
        language, "newsletters:unsubscribe", token=unsubscribe_token_make(email_normalise(email))
    )


# --- Newsletters ---

NEWSLETTER_TEMPLATE = "newsletters/mail/newsletter"
_UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__almennet_unsubscribe__/"


def _newsletter_context(newsletter: Newsletter) -> dict:
    return {
        "newsletter": newsletter,
        "body": mark_safe(  # noqa: S308 - sanitised just here
            newsletter_body_clean(newsletter.body, base_url=settings.SITE_URL)
        ),
        "body_text": html_to_text(
            newsletter_body_clean(newsletter.body, base_url=settings.SITE_URL)
        ),
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
    at once get `started=False` and queue nothing. The issue's mail is one outbox batch with
    one row per address (unique per batch and address). Rendering happens once per language;
    only the unsubscribe link differs per recipient."""
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
        _move(locked, table=NEWSLETTER_TRANSITIONS, to=Newsletter.Status.SENDING)
        locked.issued_at = now
        locked.sent_by = actor if getattr(actor, "pk", None) else None
        locked._history_user = locked.sent_by
        locked._change_reason = "sent"
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
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        locked.batch = batch_release(label=f"newsletter:{locked.slug}", messages=rows)
        locked.save(update_fields=["status", "issued_at", "sent_by", "batch", "updated_at"])
        record(actor, "newsletter.sent", locked, recipients=len(rows))
    newsletter.refresh_from_db()
    return SendOutcome(started=True, queued=len(rows))


def _newsletter_transition(
    *, newsletter: Newsletter, actor, source: str, target: str, reason: str
) -> bool:
    """Move a locked newsletter from `source` to `target`, recording who did it (history)."""
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if locked.status != source:
            return False
        _move(locked, table=NEWSLETTER_TRANSITIONS, to=target)
        locked._history_user = actor if getattr(actor, "pk", None) else None
        locked._change_reason = reason
        locked.save(update_fields=["status", "updated_at"])
        if locked.batch_id:
            batch_hold(batch=locked.batch, is_held=target == Newsletter.Status.PAUSED)
        record(actor, f"newsletter.{reason}", locked)
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


def newsletters_finish(*, batch_ids: list[int]) -> int:
    """Mark sending newsletters whose batch the outbox has delivered as sent (called by the
    outbox through its registry)."""
    sources = [old for old, targets in NEWSLETTER_TRANSITIONS.items() if _News.SENT in targets]
    return Newsletter.objects.filter(batch_id__in=batch_ids, status__in=sources).update(
        status=Newsletter.Status.SENT, finished_at=timezone.now()
    )


def user_subscription_erase(*, user) -> None:
    """Before an account is deleted: remove the person's subscription and consents."""
    Subscriber.objects.filter(email=email_normalise(user.email)).delete()
