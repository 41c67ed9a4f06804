from django.conf import settings
from django.db import models
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_start(self):
        return self.annotate(first_start=Min("sessions__starts_at"))

    def upcoming(self, now=None):
        now = now or timezone.now()
        return (
            self.with_start().filter(sessions__ends_at__gte=now).distinct().order_by("first_start")
        )


class Event(models.Model):
    """An event or course. A course over several dates has several sessions, booked as one."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        ANNUAL_SEMINAR = "annual_seminar", _("Annual seminar")
        CONFERENCE = "conference", _("Conference")
        NETWORK_MEETING = "network_meeting", _("Network meeting (ERFA)")
        COURSE = "course", _("Course")
        EDUCATION = "education", _("Education")
        COUNCIL_MEETING = "council_meeting", _("Representative council meeting")
        SUMMIT = "summit", _("Project summit")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SEMINAR)
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    body = models.TextField(_("description"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.CharField(
        _("region"),
        max_length=20,
        blank=True,
        choices=[
            ("hovedstaden", _("Capital Region of Denmark")),
            ("sjaelland", _("Region Zealand")),
            ("syddanmark", _("Region of Southern Denmark")),
            ("midtjylland", _("Central Denmark Region")),
            ("nordjylland", _("North Denmark Region")),
        ],
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=50)
    member_price = models.DecimalField(
        _("member price (DKK)"), max_digits=9, decimal_places=2, default=0
    )
    non_member_price = models.DecimalField(
        _("non-member price (DKK)"), max_digits=9, decimal_places=2, default=0
    )
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(_("cancellation deadline"), null=True, blank=True)
    requires_approval = models.BooleanField(_("admission needs approval"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_price__gte=0) & Q(non_member_price__gte=0),
                name="event_prices_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})


class EventSession(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.starts_at:%Y-%m-%d %H:%M}"
