"""Reads of voting rounds: who sees which round, a voter's ballot, results, my votes."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from members.selectors import (
    user_is_board_member,
)

from .. import secrecy
from ..models import (
    Ballot,
    BallotItem,
    Voter,
    VotingRound,
)
from .rights import _authenticated, user_can_manage_rounds

# --- Voting ---------------------------------------------------------------------------------


def rounds_for(*, user):
    if user_can_manage_rounds(user=user):
        rounds = VotingRound.objects.all()
    else:
        rounds = VotingRound.objects.visible()
        if not user_is_board_member(user=user):
            rounds = rounds.filter(voters__user=user)
    return rounds.annotate(item_count=Count("items", distinct=True)).order_by("-opens_at")


def voter_for(*, voting_round: VotingRound, user) -> Voter | None:
    if not _authenticated(user):
        return None
    return Voter.objects.filter(round=voting_round, user=user).first()


def ballot_of(*, voter: Voter | None) -> Ballot | None:
    """The voter's own ballot, found through the keyed link (strategy/secrecy.py); the
    database alone does not know it."""
    if voter is None or not voter.has_voted:
        return None
    links = secrecy.ballot_links(round_id=voter.round_id, voter_id=voter.pk)
    found = {b.link: b for b in Ballot.objects.filter(round_id=voter.round_id, link__in=links)}
    return next((found[link] for link in links if link in found), None)


def ballots_by_voter(*, voting_round: VotingRound, voters) -> dict[int, Ballot]:
    """Voter id -> ballot, with the choices, for the given voters of a round. Only for what
    may name voters: a round that is not secret, or a voter's own ballots."""
    links = {}
    for voter in voters:
        for link in secrecy.ballot_links(round_id=voting_round.pk, voter_id=voter.pk):
            links.setdefault(link, voter.pk)
    ballots = Ballot.objects.filter(round=voting_round, link__in=list(links)).prefetch_related(
        "choices__item__focus_area"
    )
    return {links[ballot.link]: ballot for ballot in ballots}


def ballot_items(*, voting_round: VotingRound):
    return list(BallotItem.objects.filter(round=voting_round).select_related("focus_area"))


def current_choices(*, voter: Voter | None) -> dict:
    ballot = ballot_of(voter=voter)
    if ballot is None:
        return {}
    return {c.item_id: c.rank for c in ballot.choices.all()}


def round_result(*, voting_round: VotingRound) -> dict | None:
    """The result page's data from the stored count, or None before the close."""
    if not voting_round.is_counted:
        return None
    result = voting_round.result or {}
    titles = result.get("titles", {})
    items = {str(item.pk): item for item in voting_round.items.select_related("focus_area")}
    candidates = [str(c) for c in result.get("candidates", [])]

    def title(c):
        c = str(c)
        return items[c].focus_area.title if c in items else titles.get(c, c)

    ranked = voting_round.method == VotingRound.Method.RANKED
    scores = result.get("borda" if ranked else "totals", {})
    top = max(list(scores.values()) + [1])
    rows = []
    tier_of = {str(c): i + 1 for i, tier in enumerate(result.get("tiers", [])) for c in tier}
    valid = voting_round.outcome == VotingRound.Outcome.VALID
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
                # The winners: the first tier (Schulze's, or the most votes) of a valid round.
                "is_winner": valid and tier_of.get(c) == 1,
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
    if not voting_round.is_secret:
        for voter in voting_round.voters.filter(has_voted=True).select_related(
            "user", "organisation"
        ):
            for link in secrecy.ballot_links(round_id=voting_round.pk, voter_id=voter.pk):
                voter_of.setdefault(link, voter)
    ballots = []
    for ballot in voting_round.ballots.prefetch_related("choices__item__focus_area").order_by(
        "receipt"
    ):
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
        "valid": valid,
        "ballots_cast": result.get("ballots", 0),
        "electorate": result.get("electorate", 0),
        "total_weight": result.get("total_weight", 0),
        "quorum": result.get("quorum", voting_round.quorum),
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
