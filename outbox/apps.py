from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """The mail outbox, at the bottom of the app layers: it imports no other app of the portal.
    (members registers the outbox's part of a person's data export and deletion, from above.)"""

    name = "outbox"
    verbose_name = _("Mail")

    def ready(self):
        from . import bounces  # noqa: F401 - connects the mail provider's webhook signal
        from .metrics import outbox_collector_register

        outbox_collector_register()

        from . import dashboard

        dashboard.register()
