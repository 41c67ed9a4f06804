"""The mail outbox, newsletters and their subscribers.

Every mail the portal sends is first an `OutboxMessage` row, written in the same transaction as
the change that caused it; Celery tasks deliver the rows (see `mailings.delivery`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .richtext import newsletter_body_clean


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Rows a worker may claim now: queued and due, or `sending` with an expired lease (the
        worker that claimed them died). Rows of a paused newsletter wait."""
        now = now or timezone.now()
        return self.filter(
            Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=OutboxMessage.Status.SENDING, lease_until__lt=now)
        ).filter(Q(newsletter__isnull=True) | Q(newsletter__status=Newsletter.Status.SENDING))


class OutboxMessage(models.Model):
    """One mail to one recipient, rendered when queued. The delivery log for that recipient."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed or failing address)")

    to = models.EmailField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("person"),
    )
    language = models.CharField(_("language"), max_length=5)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    newsletter = models.ForeignKey(
        "Newsletter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("newsletter"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="outbox_unique_dedup_key",
            ),
            models.UniqueConstraint(
                fields=["newsletter", "to"],
                condition=Q(newsletter__isnull=False),
                name="outbox_one_mail_per_newsletter_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="outbox_sending_has_lease",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="outbox_pending_idx",
            ),
            models.Index(fields=["to"], name="outbox_to_idx"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class SuppressedAddress(models.Model):
    """An address the portal no longer mails: the receiving server refused it permanently."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "bounce", _("Refused permanently by the receiving server")
        MANUAL = "manual", _("Blocked by the secretariat")

    email = models.EmailField(_("email address"), unique=True)
    reason = models.CharField(
        _("reason"), max_length=10, choices=Reason.choices, default=Reason.HARD_BOUNCE
    )
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("failing address")
        verbose_name_plural = _("failing addresses")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class Subscriber(models.Model):
    """A newsletter address and where its consent stands. Addresses are stored in lower case."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="da"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]

    def __str__(self):
        return self.email


class Consent(models.Model):
    """What a subscriber agreed to or withdrew, when and where. No IP addresses are kept."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Asked to subscribe")
        CONFIRMED = "confirmed", _("Confirmed by link")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consents", verbose_name=_("subscriber")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    source = models.CharField(_("source"), max_length=100)
    text = models.TextField(_("wording shown"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.subscriber} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class NewsletterQuerySet(models.QuerySet):
    def archived(self):
        return self.filter(issued_at__isnull=False).order_by("-issued_at")


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "HTML: paragraphs, headings (h2, h3), lists, links, bold, italics and quotes. "
            "Anything else is removed when saved."
        ),
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="newsletters", verbose_name=_("events")
    )
    publications = models.ManyToManyField(
        "publications.Publication",
        blank=True,
        related_name="newsletters",
        verbose_name=_("publications"),
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="newsletters", verbose_name=_("projects")
    )
    # The audience: any combination; an address in several parts gets one mail.
    to_subscribers = models.BooleanField(_("all confirmed subscribers"), default=True)
    to_member_contacts = models.BooleanField(
        _("contact persons of member organisations"), default=False
    )
    to_seat_holders = models.BooleanField(
        _("people with a current board or Advisory Board seat"), default=False
    )
    to_participants_of = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="+",
        verbose_name=_("participants of these events"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issued_at = models.DateTimeField(_("sent out"), null=True, blank=True)
    finished_at = models.DateTimeField(_("delivery finished"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NewsletterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(issued_at__isnull=False),
                name="newsletter_issued_when_not_draft",
            ),
        ]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        # Sanitised on every save, whatever the path (admin, shell, demo data).
        self.body = newsletter_body_clean(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("mailings:archive_detail", kwargs={"slug": self.slug})
