"""Newsletters, their subscribers and the consent each subscriber gave.

A released issue's mail is an `outbox.Batch` of outbox rows; this app says what the mail is
about (cards for events, publications and projects) and who it goes to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .richtext import newsletter_body_clean


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
    # The outbox rows, once released; pausing holds the batch.
    batch = models.OneToOneField(
        "outbox.Batch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mail batch"),
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
    history = HistoricalRecords(excluded_fields=["updated_at", "batch"])

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
        return reverse("newsletters:archive_detail", kwargs={"slug": self.slug})
