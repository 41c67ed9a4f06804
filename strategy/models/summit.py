"""The project summit: partners' assessments and pledges of backing per focus area."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .focus_areas import FocusArea


class Pledge(models.Model):
    """At a summit, an organisation (through a person affiliated with it) assesses a focus area
    and pledges practical, theoretical (knowledge) or financial backing."""

    class Assessment(models.TextChoices):
        STRONG = "strong", _("Strongly supports")
        SUPPORT = "support", _("Supports")
        NEUTRAL = "neutral", _("Neutral")
        CONCERNS = "concerns", _("Has concerns")
        AGAINST = "against", _("Against")

    class Backing(models.TextChoices):
        PRACTICAL = "practical", _("Practical")
        THEORETICAL = "theoretical", _("Theoretical (knowledge)")
        FINANCIAL = "financial", _("Financial")

    summit = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="pledges",
        limit_choices_to={"kind": "summit"},
        verbose_name=_("summit"),
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("focus area")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="strategy_pledges",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="strategy_pledges",
        verbose_name=_("person"),
    )
    assessment = models.CharField(
        _("assessment"), max_length=10, choices=Assessment.choices, default=Assessment.SUPPORT
    )
    practical = models.BooleanField(_("practical backing"), default=False)
    theoretical = models.BooleanField(_("theoretical backing"), default=False)
    financial = models.BooleanField(_("financial backing"), default=False)
    amount = models.DecimalField(
        _("amount (DKK)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("summit pledge")
        verbose_name_plural = _("summit pledges")
        ordering = ["focus_area", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["summit", "focus_area", "organisation"], name="pledge_once_per_org"
            ),
            models.CheckConstraint(
                condition=Q(financial=False, amount__isnull=True)
                | Q(financial=True, amount__isnull=False, amount__gt=0),
                name="pledge_amount_with_financial_backing",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.focus_area}"

    @property
    def backing_kinds(self) -> list[str]:
        return [kind for kind in self.Backing.values if getattr(self, kind)]
