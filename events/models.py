from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from almennet.compiled import CompiledInsert, CompiledQuery
from almennet.html import sanitise_html
from almennet.images import cover_alt_check, cover_alt_constraint, validate_image
from almennet.lazy import ByPath
from almennet.regions import Region
from almennet.trigram import upper_trigram_index

# Paths under /events/ that an event's slug must not shadow.
RESERVED_SLUGS = {"mine", "statistics", "feed"}


# One event's seats taken, places on the waiting list and last waiting position, compiled
# once (almennet/compiled.py): the event page and the sign-up under the event's lock ask it.
# Grouped by the event so that the aggregate is a queryset.
_SEAT_COUNTS = CompiledQuery(
    lambda event: (
        Registration.objects.filter(event_id=event)
        .order_by()
        .values("event_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status__in=Registration.SEAT_STATUSES)),
            waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
            last_in_line=Max("waiting_position"),
        )
        .values_list("confirmed", "waiting", "last_in_line")
    ),
    event=int,
)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_start(self):
        """first_start and last_end from the sessions, as subqueries so that they never
        multiply rows with other annotations."""
        sessions = EventSession.objects.filter(event=OuterRef("pk")).order_by()
        return self.annotate(
            first_start=Subquery(
                sessions.values("event").annotate(v=Min("starts_at")).values("v")[:1]
            ),
            last_end=Subquery(sessions.values("event").annotate(v=Max("ends_at")).values("v")[:1]),
        )

    def upcoming(self, now=None):
        """Events that have not ended yet, the next first."""
        now = now or timezone.now()
        return self.with_start().filter(last_end__gte=now).order_by("first_start", "pk")

    def past(self, now=None):
        """Events that have ended, the most recent first."""
        now = now or timezone.now()
        return self.with_start().filter(last_end__lt=now).order_by("-first_start", "-pk")

    def with_seat_counts(self):
        """confirmed_count (seats taken), waiting_count and seats_left, one query for any
        number of events."""
        registrations = Registration.objects.filter(event=OuterRef("pk")).order_by()

        def count(statuses):
            return Coalesce(
                Subquery(
                    registrations.filter(status__in=statuses)
                    .values("event")
                    .annotate(c=Count("pk"))
                    .values("c")[:1]
                ),
                Value(0),
            )

        return self.annotate(
            confirmed_count=count(Registration.SEAT_STATUSES),
            waiting_count=count([Registration.Status.WAITING]),
        ).annotate(seats_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))

    def seat_counts_of(self, event) -> dict:
        """with_seat_counts()'s three figures for one event, counted by the same rule in one
        aggregate over its registrations (the event page asks again after every sign-up)."""
        confirmed, waiting, _last_in_line = _seat_counts(event)
        return {
            "confirmed_count": confirmed,
            "waiting_count": waiting,
            "seats_left": max(event.capacity - confirmed, 0),
        }

    def seats_taken_and_last_in_line(self, event) -> tuple[int, int]:
        """The seats taken and the highest waiting position given (0 for none), by the same
        query: what a sign-up counts under the event's lock."""
        confirmed, _waiting, last_in_line = _seat_counts(event)
        return confirmed, last_in_line or 0


def _seat_counts(event) -> tuple[int, int, int | None]:
    found = _SEAT_COUNTS.rows(event=event.pk)
    return found[0] if found else (0, 0, None)  # no registrations: no group


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
        choices=Region.choices,
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
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="events/covers/%Y/",
        blank=True,
        validators=[validate_image],
        help_text=_("JPEG, PNG or WebP, landscape; shown cut to 16:9 in lists and on the page."),
    )
    cover_alt_text = models.CharField(
        _("cover description for screen readers"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
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
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_price__gte=0) & Q(non_member_price__gte=0),
                name="event_prices_not_negative",
            ),
            cover_alt_constraint("event_cover_has_description"),
        ]
        # The admin's registration search by event title (the event list itself is small).
        indexes = [upper_trigram_index("title", name="event_title_trgm")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another slug.")})
        cover_alt_check(self)
        # The admin checks against the sessions in its form (they may be changing in the same
        # save); elsewhere the saved sessions count.
        if getattr(self, "sessions_checked_by_form", False):
            first_start = None
        elif self.pk:
            first_start = self.sessions.aggregate(v=Min("starts_at"))["v"]
        else:
            first_start = None
        problems = self.date_problems(first_start=first_start)
        if problems:
            raise ValidationError(problems)

    def date_problems(self, *, first_start) -> dict[str, str]:
        """Dates that contradict each other: sign-up closing before it opens, or a sign-up
        close or cancellation deadline after the event has started. Field name to message."""
        problems = {}
        if (
            self.signup_opens_at
            and self.signup_closes_at
            and self.signup_closes_at < self.signup_opens_at
        ):
            problems["signup_closes_at"] = _("Sign-up cannot close before it opens.")
        if first_start is not None:
            start = timezone.localtime(first_start)
            when = f"{start:%d.%m.%Y %H:%M}"
            if self.signup_closes_at and self.signup_closes_at > first_start:
                problems.setdefault(
                    "signup_closes_at",
                    _("Sign-up must close before the event starts (%(start)s).") % {"start": when},
                )
            if self.cancellation_deadline and self.cancellation_deadline > first_start:
                problems["cancellation_deadline"] = _(
                    "The cancellation deadline must be before the event starts (%(start)s)."
                ) % {"start": when}
        return problems

    @property
    def is_free(self) -> bool:
        return self.member_price == 0 and self.non_member_price == 0

    @property
    def is_course(self) -> bool:
        return self.kind in (self.Kind.COURSE, self.Kind.EDUCATION)


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
        # The secretariat reads Copenhagen time, not the stored UTC.
        return f"{self.event} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def local_date(self):
        return timezone.localdate(self.starts_at)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=Registration.INACTIVE_STATUSES)

    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_STATUSES)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_position", "pk")


class Registration(CompiledInsert, models.Model):
    """A person's sign-up for an event. Seats are taken only through events.services."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        PENDING = "pending", _("Awaiting approval")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    class PriceCategory(models.TextChoices):
        MEMBER = "member", _("Member")
        NON_MEMBER = "non_member", _("Non-member")

    class Liability(models.TextChoices):
        NONE = "", _("None")
        FULL_PRICE = "full_price", _("Full price (late cancellation)")
        WAIVED = "waived", _("Waived: seat taken from the waiting list")

    # A confirmed seat stays taken when the person attends or fails to show up.
    SEAT_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
    INACTIVE_STATUSES = (Status.CANCELLED, Status.REJECTED)

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("participant"),
        help_text=_("Empty once the person's data has been erased; kept for statistics."),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    price_category = models.CharField(
        _("price category"), max_length=20, choices=PriceCategory.choices
    )
    price = models.DecimalField(
        _("price charged (DKK)"), max_digits=9, decimal_places=2, default=Decimal("0")
    )
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    motivation = models.TextField(_("motivation"), max_length=4000, blank=True)
    waiting_position = models.PositiveIntegerField(
        _("place in the waiting order"),
        null=True,
        blank=True,
        help_text=_("Arrival order on the waiting list; lower goes first."),
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    liability = models.CharField(
        _("late-cancellation liability"),
        max_length=20,
        choices=Liability.choices,
        blank=True,
        default=Liability.NONE,
    )
    liability_waived_at = models.DateTimeField(_("liability waived"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder queued"), null=True, blank=True)
    # What the invoice needs for a paid seat, asked at sign-up and pre-filled from the
    # organisation (invoicing reads these; events only stores them).
    billing_ean = models.CharField(
        _("EAN number for the invoice"),
        max_length=13,
        blank=True,
        validators=[ByPath("members.validators.validate_ean")],
        help_text=_("13 digits. Public receivers get an electronic invoice at this number."),
    )
    requisition_number = models.CharField(_("requisition number"), max_length=50, blank=True)
    billing_reference = models.CharField(
        _("invoice reference or contact"), max_length=100, blank=True
    )
    billing_email = models.EmailField(
        _("invoice e-mail"),
        blank=True,
        help_text=_("Where the invoice is sent when it is not an electronic (EAN) invoice."),
    )

    # A person who came to the door without signing up: no account, only what they told us.
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    walk_in_name = models.CharField(_("walk-in's name"), max_length=200, blank=True)
    walk_in_organisation = models.CharField(_("walk-in's organisation"), max_length=200, blank=True)
    walk_in_email = models.EmailField(_("walk-in's email"), blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status__in=["cancelled", "rejected"]),
                name="registration_one_active_per_user",
                violation_error_message=_("You are already signed up for this event."),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="registration_price_gte_0"),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_position__isnull=False),
                name="registration_waiting_has_position",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
            # The admin's list, newest first.
            models.Index(fields=["created_at", "id"], name="registration_created"),
        ]

    def __str__(self):
        return f"{self.person_name} – {self.event} ({self.get_status_display()})"

    @property
    def person_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.email
        if self.is_walk_in:
            return self.walk_in_name
        return str(_("(erased)"))

    @property
    def organisation_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.walk_in_organisation

    @property
    def is_active(self) -> bool:
        return self.status not in self.INACTIVE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_STATUSES


class SessionAttendance(models.Model):
    """A participant checked in to one session (one day of a course) on its day."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        EventSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("session"),
    )
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendances")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="session_attendance_once"
            ),
        ]

    def __str__(self):
        return f"{self.registration.person_name} – {self.session}"
