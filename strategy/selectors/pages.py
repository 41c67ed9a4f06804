"""Reads for the strategy pages: the strategy, the trend radar, a focus area and its summit
matrix."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import translation

from activity.selectors import actions_for
from events.models import Event
from members.models import Organisation, Seat
from members.selectors import (
    user_is_member,
)
from projects.models import Project

from ..models import (
    Ambition,
    Comment,
    FocusArea,
    Pledge,
    Recommendation,
    Strategy,
    Trend,
)
from .rights import _authenticated, user_can_comment, user_can_moderate, user_pledge_organisations

# --- The strategy page ----------------------------------------------------------------------


def focus_areas_visible(*, user=None):
    return FocusArea.objects.approved()


def strategy_page() -> dict:
    strategy = Strategy.objects.current() or Strategy.objects.order_by("-adopted_on").first()
    visible = FocusArea.objects.approved()
    ambitions = list(
        Ambition.objects.prefetch_related(
            Prefetch("focus_areas", queryset=visible.order_by("title"), to_attr="visible_areas"),
            Prefetch(
                "visible_areas__projects",
                queryset=Project.objects.published().order_by("title"),
                to_attr="published_projects",
            ),
            Prefetch(
                "visible_areas__recommendations",
                queryset=Recommendation.objects.exclude(status=Recommendation.Status.DRAFT),
                to_attr="public_recommendations",
            ),
        )
    )
    for ambition in ambitions:
        projects, recommendations, seen = [], [], set()
        for area in ambition.visible_areas:
            for project in getattr(area, "published_projects", []):
                if project.pk not in seen:
                    seen.add(project.pk)
                    projects.append(project)
            recommendations.extend(getattr(area, "public_recommendations", []))
        ambition.projects_list = projects
        ambition.recommendations_list = recommendations
    advisory = list(
        Seat.objects.current()
        .advisory()
        .select_related("user", "organisation")
        .order_by("role", "user__first_name", "user__last_name")
    )
    by_status = []
    areas = list(visible.annotate(pledge_count=Count("pledges")).order_by("title"))
    for value, label in FocusArea.Status.choices:
        rows = [a for a in areas if a.status == value]
        if rows:
            by_status.append({"status": value, "label": label, "focus_areas": rows})
    trends = list(Trend.objects.filter(is_published=True))
    return {
        "strategy": strategy,
        "ambitions": ambitions,
        "advisory_seats": advisory,
        "focus_areas_by_status": by_status,
        "trends": trends,
        "radar": trend_radar(trends),
    }


# --- The trend radar ------------------------------------------------------------------------

RADAR_SIZE = 520
RADAR_CENTRE = RADAR_SIZE / 2
RADAR_RINGS = [(10, 70), (25, 130), (50, 190), (100, 250)]  # horizon -> outer radius


def trend_radar(trends) -> dict:
    """Geometry for a server-side SVG: rings by horizon (10 years innermost), three sectors by
    expected impact (low, medium, high), a numbered dot per trend. Positions are spread
    deterministically inside their cell so the picture is the same on every request."""
    sectors = {1: (210, 330), 2: (330, 450), 3: (90, 210)}  # degrees, 0 = east, clockwise
    inner = dict(zip([10, 25, 50, 100], [22, 70, 130, 190], strict=True))
    outer = dict(RADAR_RINGS)
    cells: dict[tuple[int, int], list] = defaultdict(list)
    for trend in trends:
        cells[(trend.horizon, trend.impact)].append(trend)
    points = []
    numbers = {trend.pk: number for number, trend in enumerate(trends, start=1)}
    for (horizon, impact), members in cells.items():
        start, end = sectors.get(impact, sectors[2])
        r0, r1 = inner.get(horizon, 0), outer.get(horizon, 250)
        for i, trend in enumerate(members):
            fraction = (i + 1) / (len(members) + 1)
            angle = math.radians(start + (end - start) * fraction)
            radius = r0 + (r1 - r0) * (0.35 + 0.3 * ((i % 3) / 2))
            points.append(
                {
                    "trend": trend,
                    "number": numbers[trend.pk],
                    "x": round(RADAR_CENTRE + radius * math.cos(angle), 1),
                    "y": round(RADAR_CENTRE + radius * math.sin(angle), 1),
                    "certainty": trend.certainty,
                }
            )
    points.sort(key=lambda p: p["number"])
    rings = [
        {"horizon": h, "r": r, "label_y": RADAR_CENTRE - r + 16} for h, r in reversed(RADAR_RINGS)
    ]
    spokes = []
    for angle in (90, 210, 330):
        rad = math.radians(angle)
        spokes.append(
            {
                "x": round(RADAR_CENTRE + 250 * math.cos(rad), 1),
                "y": round(RADAR_CENTRE + 250 * math.sin(rad), 1),
            }
        )
    sector_labels = []
    for impact, (start, end) in sectors.items():
        rad = math.radians((start + end) / 2)
        sector_labels.append(
            {
                "label": Trend.Level(impact).label,
                "x": round(RADAR_CENTRE + 262 * math.cos(rad), 1),
                "y": round(RADAR_CENTRE + 262 * math.sin(rad) + 4, 1),
            }
        )
    return {
        "size": RADAR_SIZE,
        "view_x": -90,
        "view_y": -30,
        "view_width": RADAR_SIZE + 180,
        "view_height": RADAR_SIZE + 60,
        "centre": RADAR_CENTRE,
        "rings": rings,
        "spokes": spokes,
        "sector_labels": sector_labels,
        "points": points,
        "numbers": numbers,
    }


# --- A focus area ---------------------------------------------------------------------------

MATRIX_KINDS = [
    Organisation.Kind.HOUSING,
    Organisation.Kind.KNOWLEDGE,
    Organisation.Kind.FINANCIAL,
]


def pledge_matrix(pledges) -> dict:
    """Stakeholder type (housing, knowledge, financial; 'other' when present) by kind of
    backing: for each cell the organisations and, for financial backing, the total amount."""
    kinds = list(MATRIX_KINDS)
    if any(p.organisation.kind not in kinds for p in pledges):
        kinds.append(Organisation.Kind.OTHER)
    rows = []
    for kind in kinds:
        cells = []
        for backing in Pledge.Backing:
            rows_here = [
                p for p in pledges if p.organisation.kind == kind and getattr(p, backing.value)
            ]
            amount = sum((p.amount or Decimal(0) for p in rows_here), Decimal(0))
            cells.append(
                {
                    "backing": backing,
                    "organisations": sorted({p.organisation.name for p in rows_here}),
                    "count": len({p.organisation_id for p in rows_here}),
                    "amount": amount if backing == Pledge.Backing.FINANCIAL else None,
                }
            )
        rows.append({"kind": kind, "label": Organisation.Kind(kind).label, "cells": cells})
    backed_kinds = {p.organisation.kind for p in pledges if p.backing_kinds}
    return {
        "columns": list(Pledge.Backing),
        "rows": rows,
        "all_sides": all(kind in backed_kinds for kind in MATRIX_KINDS),
    }


def focus_area_for(*, slug: str, user) -> FocusArea | None:
    area = (
        FocusArea.objects.filter(slug=slug)
        .select_related("proposer")
        .prefetch_related("ambitions", "trends")
        .first()
    )
    if area is None:
        return None
    if area.moderation == FocusArea.Moderation.APPROVED:
        return area
    if _authenticated(user) and (area.proposer_id == user.pk or user_can_moderate(user=user)):
        return area
    return None


@dataclass(frozen=True)
class StatusChange:
    """One dated row of a focus area's status history, read from the action log."""

    status: str
    changed_at: datetime.datetime
    changed_by: object
    note: str

    def get_status_display(self) -> str:
        return str(FocusArea.Status(self.status).label) if self.status in _STATUSES else self.status


_STATUSES = frozenset(FocusArea.Status.values)


def _status_labels(status: str) -> set[str]:
    """The status's label in every language of the site."""
    if status not in _STATUSES:
        return set()
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(FocusArea.Status(status).label))
    return labels


def _note_beside(status: str, note: str) -> str:
    # Proposals used to record their label as the note ("Foreslået · … (Foreslået)").
    return "" if note.strip() in _status_labels(status) else note


def focus_area_status_history(*, area: FocusArea) -> list[StatusChange]:
    """The "focus_area.status" rows of the action log, oldest first."""
    rows = actions_for(target=area, verbs=["focus_area.status"]).order_by("created_at", "id")
    return [
        StatusChange(
            status=row.data.get("status", ""),
            changed_at=row.created_at,
            changed_by=row.actor,
            note=_note_beside(row.data.get("status", ""), row.data.get("note", "")),
        )
        for row in rows
    ]


def focus_area_page(*, area: FocusArea, user) -> dict:
    is_member = user_is_member(user=user) or (_authenticated(user) and user.is_staff)
    pledges = list(
        area.pledges.select_related("organisation", "person", "summit").order_by(
            "organisation__name"
        )
    )
    return {
        "focus_area": area,
        "history": focus_area_status_history(area=area),
        "comments": list(
            Comment.objects.visible().filter(focus_area=area).select_related("author")
        ),
        "pledges": pledges,
        "matrix": pledge_matrix(pledges),
        "projects": list(area.projects.published().select_related("owner").order_by("title")),
        "events": list(area.events.published().with_start().order_by("-first_start")),
        "publications": list(area.publications.published().visible_to(is_member=is_member)),
        "recommendations": list(
            area.recommendations.exclude(status=Recommendation.Status.DRAFT).prefetch_related(
                "projects", "publications"
            )
        ),
        "can_comment": user_can_comment(user=user),
        "can_pledge": bool(user_pledge_organisations(user=user).exists()) and summits().exists(),
    }


def summits():
    """Summit events partners can pledge at: every project summit, newest first."""
    return Event.objects.filter(kind=Event.Kind.SUMMIT).order_by("-created_at")
