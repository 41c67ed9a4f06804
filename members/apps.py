import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import registry

        registry.register_engagement_metric(
            registry.EngagementMetric(
                key="members.people",
                label=_("People affiliated"),
                compute=_people_affiliated,
                order=10,
            )
        )


def _people_affiliated(
    organisation_ids, starts_on: datetime.date, ends_on: datetime.date
) -> dict[int, int]:
    from .selectors import organisation_people_counts

    return organisation_people_counts(
        organisation_ids=organisation_ids, starts_on=starts_on, ends_on=ends_on
    )
