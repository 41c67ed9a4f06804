from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self):
        from outbox.registry import register_mail_kind

        from . import dashboard, registrations, related

        dashboard.register()

        registrations.register_all()
        related.register_all()
        register_mail_kind("strategy/mail/priorities", _("Prioritised focus areas announced"))
