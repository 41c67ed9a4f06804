from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    """The one action log (who did what to which object, when), at the bottom of the app
    layers beside outbox and search: every app records through activity.services.record() and
    this app imports none of them."""

    name = "activity"
    verbose_name = _("Action log")
    default_auto_field = "django.db.models.BigAutoField"
