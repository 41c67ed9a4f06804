from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from django.db.models.signals import post_delete

        from almennet import page_cache
        from members import registry
        from outbox import registry as outbox_registry

        from .models import Newsletter

        post_delete.connect(
            _batch_delete, sender=Newsletter, dispatch_uid="newsletters.batch_delete"
        )
        # Subscribers are no content, but a member's panel shows their subscription.
        page_cache.register_scopes("newsletters.subscriber", lambda row: ("subscribers",))

        registry.register_my_page_panel(
            registry.Panel(
                key="newsletters.subscriptions",
                title=_("My subscriptions"),
                template="newsletters/includes/_my_subscriptions.html",
                context=_my_subscriptions_context,
                order=60,
                cached_under=("subscribers",),
            )
        )
        registry.register_personal_data(
            registry.PersonalData(
                key="newsletters", export=_personal_data_export, erase=_personal_data_erase
            )
        )
        outbox_registry.register_bulk_exclusion("newsletters.unsubscribed", _unsubscribed)
        outbox_registry.register_batch_finished("newsletters.sent", _batches_finished)
        outbox_registry.register_mail_kind("newsletters/mail/newsletter", _("Newsletter"))
        outbox_registry.register_mail_kind(
            "newsletters/mail/subscribe_confirm", _("Newsletter sign-up confirmation")
        )


def _batch_delete(sender, instance, **kwargs) -> None:
    """A deleted newsletter takes its mail with it, as when the outbox rows pointed at it:
    queued rows are not sent, the delivery log of the issue goes."""
    from outbox.models import Batch

    if instance.batch_id:
        Batch.objects.filter(pk=instance.batch_id).delete()


def _my_subscriptions_context(*, user, **_kwargs) -> dict:
    from .selectors import subscriber_for_user
    from .services import unsubscribe_url

    subscriber = subscriber_for_user(user=user)
    url = unsubscribe_url(email=user.email, language=user.language) if subscriber else ""
    return {"subscriber": subscriber, "unsubscribe_url": url}


def _personal_data_export(user):
    from .selectors import user_subscription_data

    return user_subscription_data(user=user)


def _personal_data_erase(user) -> None:
    from .services import user_subscription_erase

    user_subscription_erase(user=user)


def _unsubscribed(addresses: set[str]) -> list[str]:
    from .selectors import unsubscribed_among

    return unsubscribed_among(addresses=addresses)


def _batches_finished(batch_ids: list[int]) -> None:
    from .services import newsletters_finish

    newsletters_finish(batch_ids=batch_ids)
