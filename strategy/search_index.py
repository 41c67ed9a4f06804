"""Approved focus areas in the knowledge hub's search; their titles also label the search's
focus-area facet."""

from django.utils import timezone

from events.models import Event
from projects.models import Project
from publications.models import Publication
from search.registry import register, register_extra

from .models import FocusArea


def focus_area_document(area: FocusArea) -> dict | None:
    if area.moderation != FocusArea.Moderation.APPROVED:
        return None
    return {
        "title": area.title,
        "summary": area.problem,
        "body": area.why_now,
        "url": area.get_absolute_url(),
        # When it was proposed, not when its row was written (the demo's and imported 2022
        # proposals were written later).
        "year": timezone.localtime(area.proposed_at).year,
        "date": timezone.localdate(area.proposed_at),
        "focus_area_ids": [area.pk],
    }


register(FocusArea, focus_area_document, facet="focus")


def _focus_area_ids(obj) -> dict:
    # The focus areas name the events, projects and publications they link (the relation is
    # strategy's), so strategy adds the focus-area facet to those apps' documents.
    return {"focus_area_ids": [area.pk for area in obj.focus_areas.all()]}


for _model in (Event, Project, Publication):
    register_extra(_model, _focus_area_ids, prefetch=["focus_areas"])
