import datetime

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from almennet.lazy import ByPath
from almennet.periods import (
    period_check,
    period_includes,
    period_ordered_constraint,
    period_q,
    period_range,
    today,
)
from almennet.regions import Region
from almennet.trigram import upper_trigram_index

from .validators import validate_logo


class UserManager(BaseUserManager):
    # Not in migrations: none needs create_user(), and a migration that named this class would
    # import members' live code (members/migrations must stand alone).
    use_in_migrations = False

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Email is the login; roles come from affiliations and seats, never from flags."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("da", _("Danish")), ("en", _("English"))],
        default="da",
    )
    # The ids of the user's second factors ("12,15"), kept by members.security whenever one is
    # added or removed, so checking a session on every request needs no query of its own.
    second_factors = models.CharField(
        max_length=200, blank=True, default="", db_default="", editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "email"]
        # The admin's searches of people, their registrations, affiliations and actions.
        indexes = [
            upper_trigram_index("email", name="user_email_trgm"),
            upper_trigram_index("first_name", name="user_first_name_trgm"),
            upper_trigram_index("last_name", name="user_last_name_trgm"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    # A session stays valid while the password *and* the set of second factors are the ones
    # it logged in with: adding or removing a factor ends the other sessions (members/security).
    def get_session_auth_hash(self):
        return self._with_factors(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        from django.conf import settings

        fallbacks = zip(
            settings.SECRET_KEY_FALLBACKS, super().get_session_auth_fallback_hash(), strict=True
        )
        for secret, fallback in fallbacks:
            yield self._with_factors(fallback, secret=secret)

    def _with_factors(self, password_hash: str, *, secret=None) -> str:
        from django.utils.crypto import salted_hmac

        if not self.second_factors:
            return password_hash  # unchanged for people without a factor: nobody is logged out
        return salted_hmac(
            "members.User.get_session_auth_hash.factors",
            f"{password_hash}:{self.second_factors}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


# Size bands for the directory filter: (key, label, lowest number of homes, highest or None).
SIZE_BANDS = [
    ("small", _("Under 2,500 homes"), 0, 2499),
    ("medium", _("2,500–9,999 homes"), 2500, 9999),
    ("large", _("10,000–24,999 homes"), 10000, 24999),
    ("largest", _("25,000 homes or more"), 25000, None),
]


# Paths under /members/ that an organisation's slug must not shadow.
RESERVED_SLUGS = {"me", "board", "engagement"}


class OrganisationQuerySet(models.QuerySet):
    def with_active_membership(self, on: datetime.date | None = None):
        return self.filter(period_q(on, start="member_since", end="member_until"))

    def members(self, on: datetime.date | None = None):
        """Organisations whose membership is active on the day: the association's members."""
        return self.with_active_membership(on)

    def partners(self):
        """Knowledge organisations, financial partners and others: organisations that are not
        housing organisations."""
        return self.exclude(kind=Organisation.Kind.HOUSING)

    def in_size_band(self, key: str):
        for band_key, _label, low, high in SIZE_BANDS:
            if band_key == key:
                rows = self.filter(homes__gte=low)
                return rows.filter(homes__lte=high) if high is not None else rows
        return self.none()

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(short_name__icontains=text)
            | Q(municipality__icontains=text)
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        HOUSING = "housing", _("Housing organisation")
        KNOWLEDGE = "knowledge", _("Knowledge organisation")
        FINANCIAL = "financial", _("Financial partner or foundation")
        OTHER = "other", _("Other")

    Region = Region

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOUSING)
    homes = models.PositiveIntegerField(_("social homes"), default=0)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="organisations/logos/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."),
    )
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        validators=[ByPath("members.validators.validate_cvr")],
        help_text=_("8 digits, from the Danish business register."),
    )
    ean = models.CharField(
        _("EAN number"),
        max_length=13,
        blank=True,
        validators=[ByPath("members.validators.validate_ean")],
        help_text=_("13 digits (GLN). Public-sector members are invoiced by EAN."),
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    invoice_contact_name = models.CharField(_("invoice contact"), max_length=150, blank=True)
    invoice_contact_email = models.EmailField(_("invoice contact email"), blank=True)
    # Set by the secretariat, never by the person: the one representative who casts the
    # organisation's vote (weighted by its homes where a round says so) in council rounds.
    council_voter = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("votes in the representative council"),
        help_text=_(
            "Chosen by the secretariat among the organisation's representatives; only this "
            "person casts the organisation's vote in council rounds."
        ),
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["logo"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="organisation_unique_cvr"
            ),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True)
                | Q(member_since__isnull=True)
                | Q(member_until__gte=models.F("member_since")),
                name="organisation_membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is used by the portal itself; choose another.") % {
                "slug": self.slug
            }
        if self.member_since and self.member_until and self.member_until < self.member_since:
            errors["member_until"] = _("Membership cannot end before it starts.")
        if self.member_until and not self.member_since:
            errors["member_since"] = _("Give the date the membership started.")
        if self.council_voter_id and not (
            self.pk
            and Affiliation.objects.filter(
                organisation=self,
                user_id=self.council_voter_id,
                role=Affiliation.Role.REPRESENTATIVE,
                confirmed_at__isnull=False,
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today()))
            .exists()
        ):
            errors["council_voter"] = _(
                "Only a confirmed representative of this organisation can cast its vote."
            )
        if self.cvr:
            duplicate = Organisation.objects.filter(cvr=self.cvr).exclude(pk=self.pk).first()
            if duplicate is not None:
                errors["cvr"] = _(
                    "The CVR number %(cvr)s is already registered for %(organisation)s."
                ) % {"cvr": self.cvr, "organisation": duplicate.name}
        if errors:
            raise ValidationError(errors)

    def has_active_membership(self, on: datetime.date | None = None) -> bool:
        return period_includes(self.member_since, self.member_until, on)


class AffiliationQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Confirmed affiliations that run on the given day (default today)."""
        return self.filter(Q(confirmed_at__isnull=False) & period_q(on))

    def counting_as_member(self, on: datetime.date | None = None):
        """Current affiliations to organisations whose membership is active that day."""
        on = on or today()
        return self.current(on).filter(
            period_q(on, start="member_since", end="member_until", prefix="organisation__")
        )


class Affiliation(models.Model):
    """A person working at or representing an organisation, from a date, confirmed by staff."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Contact person")
        REPRESENTATIVE = "representative", _("Representative in the representative council")
        EMPLOYEE = "employee", _("Employee")

    # What a person may ask for themselves; a representative is appointed by the secretariat.
    REQUESTABLE_ROLES = (Role.EMPLOYEE, Role.CONTACT)

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    starts_on = models.DateField(_("from"), default=today)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed by staff at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AffiliationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-starts_on"]
        constraints = [
            period_ordered_constraint(name="affiliation_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def is_current(self, on: datetime.date | None = None) -> bool:
        return self.is_confirmed and period_includes(self.starts_on, self.ends_on, on)

    def clean(self):
        period_check(
            self.starts_on,
            self.ends_on,
            _("The affiliation cannot end before it starts (%(start)s)."),
        )


def _seat_exclusion_constraints() -> list:
    """The seat rules in the database as well as in Seat.clean(): per body, no person holds
    two overlapping seats, and no two overlapping chairs or vice chairs."""
    constraints = []
    for body in ("board", "advisory"):
        constraints.append(
            ExclusionConstraint(
                name=f"seat_{body}_one_seat_per_person",
                expressions=[
                    # Equality of the person in a GiST index: btree_gist (migration 0007).
                    ("user", RangeOperators.EQUAL),
                    (period_range(), RangeOperators.OVERLAPS),
                ],
                condition=Q(body=body),
                violation_error_message=_(
                    "This person already holds a seat on this body in this period."
                ),
            )
        )
        for role in ("chair", "vice_chair"):
            constraints.append(
                ExclusionConstraint(
                    name=f"seat_{body}_one_{role}",
                    expressions=[(period_range(), RangeOperators.OVERLAPS)],
                    condition=Q(body=body, role=role),
                    violation_error_message=_(
                        "Only one person holds this role on this body at a time."
                    ),
                )
            )
    return constraints


class SeatQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        return self.filter(period_q(on))

    def board(self):
        return self.filter(body=Seat.Body.BOARD)

    def advisory(self):
        return self.filter(body=Seat.Body.ADVISORY)

    def overlapping(self, starts_on: datetime.date, ends_on: datetime.date | None):
        """Seats whose period shares at least one day with starts_on..ends_on (None: open)."""
        rows = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        return rows.filter(starts_on__lte=ends_on) if ends_on is not None else rows


class Seat(models.Model):
    """A seat on the board or the Advisory Board, held by a person between two dates."""

    class Body(models.TextChoices):
        BOARD = "board", _("Board")
        ADVISORY = "advisory", _("Advisory Board")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Member")
        SUBSTITUTE = "substitute", _("Substitute")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="seats", verbose_name=_("person")
    )
    body = models.CharField(
        pgettext_lazy("governing body", "body"), max_length=20, choices=Body.choices
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("on behalf of"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = SeatQuerySet.as_manager()
    history = HistoricalRecords()

    # Roles that only one person holds at a time on a body.
    SINGLE_HOLDER_ROLES = (Role.CHAIR, Role.VICE_CHAIR)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "role", "starts_on"]
        constraints = [
            period_ordered_constraint(name="seat_dates_ordered"),
            *_seat_exclusion_constraints(),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_body_display()} ({self.get_role_display()})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        return period_includes(self.starts_on, self.ends_on, on)

    def clean(self):
        period_check(
            self.starts_on, self.ends_on, _("The seat cannot end before it starts (%(start)s).")
        )
        if not self.starts_on or not self.body:
            return
        others = Seat.objects.filter(body=self.body).overlapping(self.starts_on, self.ends_on)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.role in self.SINGLE_HOLDER_ROLES:
            holder = others.filter(role=self.role).select_related("user").first()
            if holder is not None:
                raise ValidationError(
                    {
                        "role": _(
                            "%(body)s already has a %(role)s in this period: %(person)s "
                            "(from %(start)s). End that seat first."
                        )
                        % {
                            "body": self.get_body_display(),
                            "role": self.get_role_display().lower(),
                            "person": holder.user,
                            "start": holder.starts_on.isoformat(),
                        }
                    }
                )
        if self.user_id and others.filter(user_id=self.user_id).exists():
            raise ValidationError(
                {
                    "starts_on": _(
                        "This person already holds a seat on the %(body)s in this period."
                    )
                    % {"body": self.get_body_display()}
                }
            )
