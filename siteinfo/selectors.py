"""Reads of site information for the footer, mail and the information pages."""

from django.shortcuts import get_object_or_404
from django.utils import translation

from .models import SETTINGS_PK, InfoPage, SiteSettings


def site_settings() -> SiteSettings:
    """The site settings row, or (should it be missing, e.g. after a test flushed the
    tables) an unsaved row with the model's defaults, so no page fails for want of it."""
    return SiteSettings.objects.filter(pk=SETTINGS_PK).first() or SiteSettings(pk=SETTINGS_PK)


def info_page(*, slug: str) -> dict:
    """The page with its title and text in the active language (Danish where no English
    text is written)."""
    page = get_object_or_404(InfoPage, slug=slug)
    english = (translation.get_language() or "da").startswith("en")
    return {
        "page": page,
        "title": (page.title_en if english and page.title_en else page.title),
        "body": (page.body_en if english and page.body_en else page.body),
    }
