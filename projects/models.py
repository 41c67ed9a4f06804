from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from almennet.html import sanitise_html
from almennet.images import cover_alt_check, cover_alt_constraint, validate_image


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_list(self):
        """What a list row shows: the owner in the same query (the notes higher apps add to a
        row, such as focus areas, come from `almennet.related.row_notes_add`)."""
        return self.select_related("owner").order_by("-updated_at", "-id")

    def active_in_year(self, year: int):
        """Projects that ran some time during the year (open ends count as still running)."""
        return self.filter(
            (Q(starts_on__isnull=True) | Q(starts_on__year__lte=year))
            & (Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))
        ).exclude(starts_on__isnull=True, ends_on__isnull=True)

    def involving(self, organisation):
        """Projects the organisation owns or takes part in."""
        return self.filter(
            Q(owner=organisation) | Q(participants__organisation=organisation)
        ).distinct()


class Project(models.Model):
    """A development project run by a member organisation with partners."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PREPARATION = "preparation", _("In preparation")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Simple HTML: paragraphs, headings, lists, links. Anything else is removed."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status_changed_on = models.DateField(
        _("status changed"),
        null=True,
        blank=True,
        help_text=_("Set automatically when the status changes."),
    )
    owner = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_projects",
        verbose_name=_("project owner"),
    )
    budget = models.DecimalField(
        _("budget (DKK)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="projects", verbose_name=_("related events")
    )
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="projects/covers/%Y/",
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="project_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
            cover_alt_constraint("project_cover_has_description"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description = sanitise_html(self.description)
        if self.pk is None:
            if self.status_changed_on is None:
                self.status_changed_on = timezone.localdate()
        else:
            previous = Project.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if previous is not None and previous != self.status:
                self.status_changed_on = timezone.localdate()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        cover_alt_check(self)

    @property
    def year_span(self) -> str:
        start = self.starts_on.year if self.starts_on else None
        end = self.ends_on.year if self.ends_on else None
        if start and end and start != end:
            return f"{start}–{end}"
        if start and not end:
            return f"{start}–"
        return str(start or end or "")


class ProjectParticipant(models.Model):
    """An organisation taking part in a project, in one role."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member participant")
        KNOWLEDGE = "knowledge", _("Knowledge partner")
        FINANCIAL = "financial", _("Financial partner")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participants", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="project_participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    amount_granted = models.DecimalField(
        _("amount granted (DKK)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for financial partners."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="project_participant_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True)
                | (Q(role="financial") & Q(amount_granted__gte=0)),
                name="project_participant_amount_only_financial",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.amount_granted is not None and self.role != self.Role.FINANCIAL:
            raise ValidationError(
                {"amount_granted": _("Only a financial partner can have an amount granted.")}
            )
        if self.amount_granted is not None and self.amount_granted < 0:
            raise ValidationError({"amount_granted": _("The amount cannot be negative.")})


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("date"))
    is_reached = models.BooleanField(_("reached"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.title}"


class ProjectImage(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="images", verbose_name=_("project")
    )
    image = models.ImageField(
        _("image"), upload_to="projects/images/%Y/", validators=[validate_image]
    )
    alt_text = models.CharField(_("description for screen readers"), max_length=250, blank=True)
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or self.image.name
