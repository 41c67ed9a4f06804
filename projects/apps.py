from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from members.registry import (
            EngagementMetric,
            Panel,
            PersonalData,
            register_engagement_metric,
            register_organisation_panel,
            register_personal_data,
        )

        from . import related, selectors, services

        related.register_all()

        register_organisation_panel(
            Panel(
                key="projects",
                title=_("Projects"),
                template="projects/includes/_organisation_projects.html",
                context=selectors.organisation_panel_context,
                order=30,
            )
        )
        register_engagement_metric(
            EngagementMetric(
                key="project_participation",
                label=_("Project participation"),
                compute=selectors.project_participation_counts,
                order=30,
            )
        )
        register_personal_data(
            PersonalData(
                key="projects",
                export=selectors.personal_data_export,
                erase=services.contact_person_erase,
            )
        )
