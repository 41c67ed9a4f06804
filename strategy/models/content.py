"""The strategy itself: the adopted strategy, its six ambitions and the trends radar."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StrategyQuerySet(models.QuerySet):
    def current(self):
        """The strategy in force: the latest adopted on or before today."""
        return self.filter(adopted_on__lte=timezone.localdate()).order_by("-adopted_on").first()


class Strategy(models.Model):
    """A strategy adopted by the representative council (the 2022 strategy, for one)."""

    title = models.CharField(_("title"), max_length=200)
    adopted_on = models.DateField(_("adopted on"))
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["-adopted_on"]

    def __str__(self):
        return f"{self.title} ({self.adopted_on:%Y})"


class Ambition(models.Model):
    """One of the six ambitions the 2022 strategy rests on."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ambitions",
        verbose_name=_("strategy"),
    )

    class Meta:
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Trend(models.Model):
    """A trend for the built environment (ambition 3 looks 50 to 100 years ahead)."""

    class Horizon(models.IntegerChoices):
        Y10 = 10, _("10 years")
        Y25 = 25, _("25 years")
        Y50 = 50, _("50 years")
        Y100 = 100, _("100 years")

    class Level(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    horizon = models.PositiveSmallIntegerField(
        _("horizon"), choices=Horizon.choices, default=Horizon.Y25
    )
    impact = models.PositiveSmallIntegerField(
        _("expected impact"), choices=Level.choices, default=Level.MEDIUM
    )
    certainty = models.PositiveSmallIntegerField(
        _("certainty"), choices=Level.choices, default=Level.MEDIUM
    )
    sources = models.TextField(_("sources"), blank=True, help_text=_("One source per line."))
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        ordering = ["horizon", "-impact", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon__in=[10, 25, 50, 100]), name="trend_horizon_known"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=3, certainty__gte=1, certainty__lte=3),
                name="trend_levels_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]
