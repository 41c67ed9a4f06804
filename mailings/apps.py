from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Mail")

    def ready(self):
        from members import registry

        from . import bounces  # noqa: F401 - connects the mail provider's webhook signal
        from .metrics import outbox_collector_register

        outbox_collector_register()

        registry.register_my_page_panel(
            registry.Panel(
                key="mailings.subscriptions",
                title=_("My subscriptions"),
                template="mailings/includes/_my_subscriptions.html",
                context=_my_subscriptions_context,
                order=60,
            )
        )
        registry.register_personal_data(
            registry.PersonalData(
                key="mailings", export=_personal_data_export, erase=_personal_data_erase
            )
        )


def _my_subscriptions_context(*, user, **_kwargs) -> dict:
    from .selectors import subscriber_for_user
    from .services import unsubscribe_url

    subscriber = subscriber_for_user(user=user)
    url = unsubscribe_url(email=user.email, language=user.language) if subscriber else ""
    return {"subscriber": subscriber, "unsubscribe_url": url}


def _personal_data_export(user):
    from .selectors import user_mail_data

    return user_mail_data(user=user)


def _personal_data_erase(user) -> None:
    from .services import user_mail_data_erase

    user_mail_data_erase(user=user)
