"""The focus-area pipeline: proposals, their moderation and dated status, comments, and the
recommendations a focus area leads to."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content import Ambition, Trend


class FocusAreaQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(moderation=FocusArea.Moderation.APPROVED)

    def ballot_eligible(self):
        """What the board may prioritise: approved (never a proposal awaiting moderation or
        rejected) and at a stage from which a ballot leads on to "prioritised"."""
        return self.approved().filter(status__in=FocusArea.BALLOT_STATUSES)


class FocusArea(models.Model):
    class Moderation(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONSIDERATION = "consideration", _("Under consideration")
        SUMMIT = "summit", _("At the summit")
        BALLOT = "ballot", _("On a ballot")
        PRIORITISED = "prioritised", _("Prioritised")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        NOT_CHOSEN = "not_chosen", _("Not chosen")

    # The stages a focus area can be put on a ballot from (or is on one already).
    BALLOT_STATUSES = (
        Status.PROPOSED,
        Status.CONSIDERATION,
        Status.SUMMIT,
        Status.BALLOT,
    )

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    problem = models.TextField(_("problem"), blank=True)
    why_now = models.TextField(_("why now"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    ambitions = models.ManyToManyField(
        Ambition, blank=True, related_name="focus_areas", verbose_name=_("ambitions it serves")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="focus_areas", verbose_name=_("projects")
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="focus_areas", verbose_name=_("events")
    )
    publications = models.ManyToManyField(
        "publications.Publication",
        blank=True,
        related_name="focus_areas",
        verbose_name=_("publications"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_focus_areas",
        verbose_name=_("proposer"),
    )
    trends = models.ManyToManyField(
        Trend, blank=True, related_name="focus_areas", verbose_name=_("trends it answers")
    )
    moderation = models.CharField(
        _("moderation"),
        max_length=10,
        choices=Moderation.choices,
        default=Moderation.APPROVED,
        help_text=_("Proposals from the site await moderation by staff before they are shown."),
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # When it was proposed, which may be long before the row was made (an import, the demo):
    # the year the search shows. created_at is only when the row was written.
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("strategy:focus_area", kwargs={"slug": self.slug})


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)


class Comment(models.Model):
    """A member's comment on a focus area; staff can hide it."""

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="comments", verbose_name=_("focus area")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focus_area_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=4000)
    is_hidden = models.BooleanField(_("hidden by staff"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} – {self.focus_area}"


class Recommendation(models.Model):
    """A recommendation for action (ambition 4), resting on projects and publications."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        PUBLISHED = "published", _("Published")

    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("focus area"),
    )
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="recommendations", verbose_name=_("projects")
    )
    publications = models.ManyToManyField(
        "publications.Publication",
        blank=True,
        related_name="recommendations",
        verbose_name=_("publications"),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["focus_area", "title"]

    def __str__(self):
        return self.title
