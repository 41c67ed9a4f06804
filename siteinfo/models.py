from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from almennet.lazy import ByPath

SETTINGS_PK = 1


class SiteSettings(models.Model):
    """The association's contact details shown in every page's footer and in mail. One row
    (pk 1, enforced by a constraint). The row the migration creates holds demo values and says
    so (is_demo): the portal must not claim invented details are the association's real ones."""

    name = models.CharField(_("name"), max_length=120, default="AlmenNet")
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence under the name in the footer."),
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A CVR number is eight digits."))],
    )
    opening_hours = models.CharField(_("telephone hours"), max_length=200, blank=True)
    is_demo = models.BooleanField(
        _("demo values"),
        default=True,
        help_text=_(
            "Shows a note in the footer that the details are examples. Untick it once the "
            "association's real details are entered."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=SETTINGS_PK), name="site_settings_one_row")
        ]

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = SETTINGS_PK
        super().save(*args, **kwargs)


class InfoPage(models.Model):
    """A page the footer links to: the privacy policy, the cookie statement, the accessibility
    statement. Its body is rich text, sanitised before it is stored."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        COOKIES = "cookies", _("Cookie statement")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")

    slug = models.SlugField(_("page"), max_length=40, unique=True, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body = models.TextField(
        _("text"),
        validators=[ByPath("siteinfo.validators.validate_has_text")],
        help_text=_("Headings, paragraphs, lists and links; everything else is removed."),
    )
    body_en = models.TextField(
        _("text in English"),
        blank=True,
        help_text=_("Shown on the English pages; empty shows the Danish text."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("siteinfo:page", kwargs={"slug": self.slug})
