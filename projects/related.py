"""Projects on event pages (a project stores the events it held), through almennet/related.py,
so events never names projects. Called from ProjectsConfig.ready()."""

from almennet.related import RelatedList, register_related

from .models import Project


def _event_projects(*, obj, user) -> list:
    return list(Project.objects.published().filter(events=obj).order_by("title"))


def register_all() -> None:
    register_related(
        RelatedList(model="events.Event", key="projects", read=_event_projects, order=20)
    )
