from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AlmennetConfig(AppConfig):
    name = "almennet"
    verbose_name = "AlmenNet"

    def ready(self):
        from outbox.registry import register_mail_kind

        from .admin import action_checkbox_install, inline_add_text_install
        from .page_cache import content_changed

        inline_add_text_install()
        action_checkbox_install()

        register_mail_kind(
            "account/mail/allauth", _("Account mail (log-in, password, email address)")
        )

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal!r}")
