from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self):
        from . import registrations

        registrations.register_all()
