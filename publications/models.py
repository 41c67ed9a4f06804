from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_on__lte=timezone.localdate())

    def visible_to(self, *, is_member: bool):
        return self if is_member else self.filter(is_member_only=False)


class Publication(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        GUIDE = "guide", _("Guide")
        HANDBOOK = "handbook", _("Handbook")
        TOOL = "tool", _("Tool")
        ARTICLE = "article", _("Article")
        CASE = "case", _("Case")
        NEWSLETTER = "newsletter", _("Newsletter issue")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    summary = models.TextField(_("summary"), max_length=800, blank=True)
    body = models.TextField(_("body"), blank=True)
    published_on = models.DateField(_("publication date"), default=timezone.localdate)
    organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="publications",
        verbose_name=_("publishing organisations"),
    )
    projects = models.ManyToManyField(
        "projects.Project",
        blank=True,
        related_name="publications",
        verbose_name=_("related projects"),
    )
    events = models.ManyToManyField(
        "events.Event", blank=True, related_name="publications", verbose_name=_("related events")
    )
    is_member_only = models.BooleanField(_("members only"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})
