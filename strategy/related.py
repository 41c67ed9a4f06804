"""Focus areas on the pages (and the projects admin) of the apps below strategy.

A focus area stores its links to events, projects and publications; their pages show the
focus areas and filter by them through almennet/related.py, which strategy fills here, so
those apps never name strategy (no reverse accessor, no `_meta` lookup). Called from
StrategyConfig.ready()."""

import django_filters
from django.utils.translation import gettext_lazy as _

from almennet.related import (
    ListFilter,
    RelatedList,
    RowNote,
    register_list_filter,
    register_related,
    register_row_note,
)

from .models import FocusArea

# The page's model, the relation on FocusArea that points at it, and its list filter's name
# and place (the names are the lists' existing URL parameters).
LINKED = [
    ("events.Event", "events", "focus_area", "region"),
    ("projects.Project", "projects", "focus", "status"),
    ("publications.Publication", "publications", "focus", "kind"),
]


def _reader(relation: str, limit: int):
    def read(*, obj, user) -> list:
        return list(FocusArea.objects.filter(**{relation: obj}).order_by("title")[:limit])

    return read


def _filter(relation: str, *, all_label=None):
    def focus_areas(request):
        published = {f"{relation}__is_published": True}
        return FocusArea.objects.filter(**published).distinct().order_by("title")

    def build():
        extra = {"empty_label": all_label} if all_label else {}
        return django_filters.ModelChoiceFilter(
            label=_("Focus area"),
            field_name="focus_areas",
            to_field_name="slug",
            queryset=focus_areas,
            **extra,
        )

    return build


def _project_focus_areas(ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for project_id, title in FocusArea.objects.filter(projects__in=ids).values_list(
        "projects", "title"
    ):
        found.setdefault(project_id, []).append(title)
    return found


def _projects_admin_filter() -> None:
    """The projects admin filters by focus area too. Added from here, after every admin module
    was loaded (the admin app is ready before strategy)."""
    from django.contrib import admin
    from django.contrib.admin.exceptions import NotRegistered

    from projects.models import Project

    try:
        model_admin = admin.site.get_model_admin(Project)
    except NotRegistered:
        return
    if "focus_areas" not in model_admin.list_filter:
        model_admin.list_filter = [*model_admin.list_filter, "focus_areas"]


def register_all() -> None:
    _projects_admin_filter()
    for model, relation, filter_name, after in LINKED:
        register_related(
            RelatedList(model=model, key="focus_areas", read=_reader(relation, 50), order=10)
        )
        all_label = _("All focus areas") if model == "events.Event" else None
        register_list_filter(
            ListFilter(
                model=model,
                name=filter_name,
                build=_filter(relation, all_label=all_label),
                after=after,
            )
        )
    register_row_note(
        RowNote(
            model="projects.Project",
            key="focus_areas",
            title=_("Focus areas"),
            read_many=_project_focus_areas,
        )
    )
