"""Writes of site information; the admin saves through these."""

from django.db import transaction

from almennet.html import sanitise_html

from .models import InfoPage, SiteSettings


@transaction.atomic
def site_settings_save(*, site_settings: SiteSettings) -> SiteSettings:
    """Validate and store the one row of site settings (it is always row 1)."""
    site_settings.pk = 1
    site_settings.full_clean(validate_unique=False, validate_constraints=False)
    site_settings.save()
    return site_settings


@transaction.atomic
def info_page_save(*, page: InfoPage) -> InfoPage:
    """Sanitise the page's rich text (the one allow-list in almennet/html.py), validate and
    store it. A body that is only markup is refused after sanitising, not before."""
    page.body = sanitise_html(page.body)
    page.body_en = sanitise_html(page.body_en)
    page.full_clean()
    page.save()
    return page
