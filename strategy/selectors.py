"""Reads of the strategy app, and what a given user may see or do."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.selectors import actions_for
from events.models import Event
from members.models import Affiliation, Organisation, Seat
from members.selectors import (
    user_is_advisory_member,
    user_is_board_member,
    user_is_member,
)
from projects.models import Project

from . import secrecy
from .models import (
    Ambition,
    Ballot,
    BallotItem,
    Comment,
    FocusArea,
    Pledge,
    Recommendation,
    Strategy,
    Trend,
    Voter,
    VotingRound,
)

# --- Who may do what ------------------------------------------------------------------------


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def user_can_propose(*, user) -> bool:
    """Members, Advisory Board members, board members and staff propose focus areas."""
    if not _authenticated(user):
        return False
    return (
        user.is_staff
        or user_is_member(user=user)
        or user_is_advisory_member(user=user)
        or user_is_board_member(user=user)
    )


def user_can_comment(*, user) -> bool:
    return user_can_propose(user=user)


def user_pledge_organisations(*, user):
    """Organisations the user may pledge for: those with a current, confirmed affiliation."""
    if not _authenticated(user):
        return Organisation.objects.none()
    ids = Affiliation.objects.current().filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids).order_by("name")


def _has_staff_permission(user, permission: str) -> bool:
    """Staff rights in the strategy app come from model permissions (the groups in
    members/groups.py); is_staff alone, as an Event manager has it, gives none."""
    return _authenticated(user) and user.is_staff and user.has_perm(permission)


def user_can_manage_rounds(*, user) -> bool:
    """Sees every voting round, drafts included."""
    return _has_staff_permission(user, "strategy.view_votinground")


def user_can_confirm_priorities(*, user) -> bool:
    return _has_staff_permission(user, "strategy.confirm_priorities")


def user_can_moderate(*, user) -> bool:
    """Sees focus areas awaiting moderation; a proposal of theirs needs none."""
    return _has_staff_permission(user, "strategy.change_focusarea")


def user_can_see_votes(*, user) -> bool:
    if not _authenticated(user):
        return False
    return (
        user_can_manage_rounds(user=user)
        or user_is_board_member(user=user)
        or Voter.objects.filter(user=user).exists()
    )


def user_can_see_round(*, user, round: VotingRound) -> bool:
    if not _authenticated(user):
        return False
    if user_can_manage_rounds(user=user):
        return True
    if round.opened_at is None:
        return False
    return user_is_board_member(user=user) or Voter.objects.filter(round=round, user=user).exists()


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


def focus_area_status_history(*, area: FocusArea) -> list[StatusChange]:
    """The "focus_area.status" rows of the action log, oldest first."""
    rows = actions_for(target=area, verbs=["focus_area.status"]).order_by("created_at", "id")
    return [
        StatusChange(
            status=row.data.get("status", ""),
            changed_at=row.created_at,
            changed_by=row.actor,
            note=row.data.get("note", ""),
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


# --- Voting ---------------------------------------------------------------------------------


def rounds_for(*, user):
    if user_can_manage_rounds(user=user):
        rounds = VotingRound.objects.all()
    else:
        rounds = VotingRound.objects.visible()
        if not user_is_board_member(user=user):
            rounds = rounds.filter(voters__user=user)
    return rounds.annotate(item_count=Count("items", distinct=True)).order_by("-opens_at")


def voter_for(*, round: VotingRound, user) -> Voter | None:
    if not _authenticated(user):
        return None
    return Voter.objects.filter(round=round, user=user).first()


def ballot_of(*, voter: Voter | None) -> Ballot | None:
    """The voter's own ballot, found through the keyed link (strategy/secrecy.py); the
    database alone does not know it."""
    if voter is None or not voter.has_voted:
        return None
    links = secrecy.ballot_links(round_id=voter.round_id, voter_id=voter.pk)
    found = {b.link: b for b in Ballot.objects.filter(round_id=voter.round_id, link__in=links)}
    return next((found[link] for link in links if link in found), None)


def ballots_by_voter(*, round: VotingRound, voters) -> dict[int, Ballot]:
    """Voter id -> ballot, with the choices, for the given voters of a round. Only for what
    may name voters: a round that is not secret, or a voter's own ballots."""
    links = {}
    for voter in voters:
        for link in secrecy.ballot_links(round_id=round.pk, voter_id=voter.pk):
            links.setdefault(link, voter.pk)
    ballots = Ballot.objects.filter(round=round, link__in=list(links)).prefetch_related(
        "choices__item__focus_area"
    )
    return {links[ballot.link]: ballot for ballot in ballots}


def ballot_items(*, round: VotingRound):
    return list(BallotItem.objects.filter(round=round).select_related("focus_area"))


def current_choices(*, voter: Voter | None) -> dict:
    ballot = ballot_of(voter=voter)
    if ballot is None:
        return {}
    return {c.item_id: c.rank for c in ballot.choices.all()}


def round_result(*, round: VotingRound) -> dict | None:
    """The result page's data from the stored count, or None before the close."""
    if not round.is_counted:
        return None
    result = round.result or {}
    titles = result.get("titles", {})
    items = {str(item.pk): item for item in round.items.select_related("focus_area")}
    candidates = [str(c) for c in result.get("candidates", [])]

    def title(c):
        c = str(c)
        return items[c].focus_area.title if c in items else titles.get(c, c)

    ranked = round.method == VotingRound.Method.RANKED
    scores = result.get("borda" if ranked else "totals", {})
    top = max(list(scores.values()) + [1])
    rows = []
    tier_of = {str(c): i + 1 for i, tier in enumerate(result.get("tiers", [])) for c in tier}
    for place, c in enumerate(result.get("ranking", []), start=1):
        c = str(c)
        score = scores.get(c, 0)
        rows.append(
            {
                "place": place,
                "tier": tier_of.get(c),
                "item_id": c,
                "title": title(c),
                "focus_area": items[c].focus_area if c in items else None,
                "score": score,
                "bar": round_bar(score, top),
            }
        )
    matrix = []
    if ranked:
        for i, c in enumerate(candidates):
            matrix.append(
                {
                    "title": title(c),
                    "cells": [
                        {
                            "d": result["pairwise"][i][j],
                            "p": result["strongest"][i][j],
                            "wins": result["pairwise"][i][j] is not None
                            and result["pairwise"][i][j] > result["pairwise"][j][i],
                        }
                        for j in range(len(candidates))
                    ],
                }
            )
    # Names only for a round that is not secret; there the keyed links are recomputed for
    # the electorate. A secret round's ballots are listed by receipt code alone.
    voter_of: dict[str, Voter] = {}
    if not round.is_secret:
        for voter in round.voters.filter(has_voted=True).select_related("user", "organisation"):
            for link in secrecy.ballot_links(round_id=round.pk, voter_id=voter.pk):
                voter_of.setdefault(link, voter)
    ballots = []
    for ballot in round.ballots.prefetch_related("choices__item__focus_area").order_by("receipt"):
        choices = sorted(ballot.choices.all(), key=lambda c: (c.rank or 0, c.item.position))
        voter = voter_of.get(ballot.link)
        ballots.append(
            {
                "receipt": ballot.receipt,
                "weight": ballot.weight,
                "name": str(voter) if voter is not None else None,
                "organisation": voter.organisation.name
                if voter is not None and voter.organisation
                else None,
                "choices": [{"rank": c.rank, "title": c.item.focus_area.title} for c in choices],
            }
        )
    bar_height = 34
    return {
        "ranked": ranked,
        "valid": round.outcome == VotingRound.Outcome.VALID,
        "ballots_cast": result.get("ballots", 0),
        "electorate": result.get("electorate", 0),
        "total_weight": result.get("total_weight", 0),
        "quorum": result.get("quorum", round.quorum),
        "rows": rows,
        "columns": [title(c) for c in candidates],
        "matrix": matrix,
        "ballots": ballots,
        "tie_broken": result.get("tie_broken", False),
        "score_label": _("Borda score") if ranked else _("Votes"),
        "chart": {
            "height": bar_height * len(rows) + 10,
            "bars": [
                {
                    **row,
                    "y": 5 + i * bar_height,
                    "text_y": 5 + i * bar_height + 21,
                    "label_x": row["bar"] + 226,
                }
                for i, row in enumerate(rows)
            ],
        },
    }


def round_bar(score, top) -> float:
    """Bar width in the 0..400 user units of the chart."""
    return round(400 * score / top, 1) if top else 0


def my_votes(*, user) -> list[dict]:
    """For my page: the rounds the user is in the electorate of, with the receipt."""
    if not _authenticated(user):
        return []
    rows = []
    voters = list(
        Voter.objects.filter(user=user).select_related("round").order_by("-round__opens_at")
    )
    links = {}
    for voter in voters:
        if voter.has_voted:
            for link in secrecy.ballot_links(round_id=voter.round_id, voter_id=voter.pk):
                links.setdefault((voter.round_id, link), voter.pk)
    receipts = {}
    if links:
        for round_id, link, receipt in Ballot.objects.filter(
            link__in=[link for _round_id, link in links]
        ).values_list("round_id", "link", "receipt"):
            voter_id = links.get((round_id, link))
            if voter_id is not None:
                receipts.setdefault(voter_id, receipt)
    now = timezone.now()
    for voter in voters:
        rows.append(
            {
                "round": voter.round,
                "receipt": receipts.get(voter.pk),
                "state": voter.round.state_label(now),
            }
        )
    return rows
