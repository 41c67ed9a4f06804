import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from allauth.mfa import signals as mfa_signals
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from . import dashboard, registry
        from .security import (
            on_authenticator_added,
            on_authenticator_removed,
            on_authenticator_saved,
        )

        mfa_signals.authenticator_added.connect(
            on_authenticator_added, dispatch_uid="members_factor_added"
        )
        mfa_signals.authenticator_removed.connect(
            on_authenticator_removed, dispatch_uid="members_factor_removed"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                on_authenticator_saved,
                sender=Authenticator,
                dispatch_uid=f"members_factors_{signal is post_save}",
            )
        dashboard.register()
        _register_mail_kinds()
        registry.register_engagement_metric(
            registry.EngagementMetric(
                key="members.people",
                label=_("People affiliated"),
                compute=_people_affiliated,
                order=10,
            )
        )
        # The outbox sits below members and cannot register itself here.
        registry.register_personal_data(
            registry.PersonalData(
                key="outbox", export=_outbox_data_export, erase=_outbox_data_erase
            )
        )


def _register_mail_kinds() -> None:
    from outbox.registry import register_mail_kind

    from . import mail

    register_mail_kind(mail.REQUEST, _("Affiliation: new request (to the secretariat)"))
    register_mail_kind(mail.CONFIRMED, _("Affiliation: confirmed"))
    register_mail_kind(mail.REFUSED, _("Affiliation: refused"))


def _outbox_data_export(user):
    from outbox.selectors import user_mail_data

    return user_mail_data(user=user)


def _outbox_data_erase(user) -> None:
    from outbox.services import user_mail_erase

    user_mail_erase(user=user)


def _people_affiliated(
    organisation_ids, starts_on: datetime.date, ends_on: datetime.date
) -> dict[int, int]:
    from .selectors import organisation_people_counts

    return organisation_people_counts(
        organisation_ids=organisation_ids, starts_on=starts_on, ends_on=ends_on
    )
