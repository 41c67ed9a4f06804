from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Ambition(models.Model):
    """One of the six ambitions the 2022 strategy rests on."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class FocusArea(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONSIDERATION = "consideration", _("Under consideration")
        SUMMIT = "summit", _("At the summit")
        BALLOT = "ballot", _("On a ballot")
        PRIORITISED = "prioritised", _("Prioritised")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        NOT_CHOSEN = "not_chosen", _("Not chosen")

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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("strategy:focus_area", kwargs={"slug": self.slug})
