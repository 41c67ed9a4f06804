"""Approved focus areas in the knowledge hub's search; their titles also label the search's
focus-area facet."""

from search.registry import register

from .models import FocusArea


def focus_area_document(area: FocusArea) -> dict | None:
    if area.moderation != FocusArea.Moderation.APPROVED:
        return None
    return {
        "title": area.title,
        "summary": area.problem,
        "body": area.why_now,
        "url": area.get_absolute_url(),
        "year": area.created_at.year if area.created_at else None,
        "date": area.created_at.date() if area.created_at else None,
        "focus_area_ids": [area.pk],
    }


register(FocusArea, focus_area_document, facet="focus")
