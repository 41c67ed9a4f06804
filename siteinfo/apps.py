from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteinfoConfig(AppConfig):
    """The association's own details (contact, CVR, address: one row of site settings) and the
    pages the footer links to (privacy policy, cookie statement, accessibility statement), all
    edited in the admin. At the bottom of the app layers: it imports no portal app, and every
    page's footer reads it through siteinfo.context_processors."""

    name = "siteinfo"
    verbose_name = _("Site information")
    default_auto_field = "django.db.models.BigAutoField"
