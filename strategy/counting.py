"""Counting votes: approval, Schulze and Borda, as pure functions without the ORM.

Candidates are any hashable ids, given in *ballot order*: the order the items stood on the
ballot, which is drawn by lot when a round opens. Every ballot carries a weight (1 for one
person one vote; the organisation's homes in a council round weighted by homes); a ballot of
weight w counts exactly like w identical ballots of weight 1.

A ranked ballot maps candidate -> rank (1 is best). Candidates a ballot leaves out rank below
every candidate it ranks and tie among themselves, so a short ballot says nothing about the
order of the candidates it omits.

Tie-break rule (written on every result page, see ``TIE_BREAK_RULE``): the Schulze method
gives a ranking in tiers (a strict weak order). Candidates in the same tier are ordered by their
Borda score, highest first; candidates still level are ordered by their place on the ballot,
which was drawn by lot when the round opened. In approval rounds, candidates with the same
number of approvals are ordered by their place on the ballot.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

Candidate = Hashable

TIE_BREAK_RULE = _(
    "Ties are broken like this: in ranked rounds, candidates that the Schulze method ranks "
    "equal are ordered by their Borda score, highest first; if they are still equal, by their "
    "place on the ballot, which was drawn by lot when the round opened. In approval rounds, "
    "candidates with the same number of votes are ordered by their place on the ballot."
)


@dataclass(frozen=True)
class RankedBallot:
    ranks: Mapping[Candidate, int]
    weight: int = 1


@dataclass(frozen=True)
class ApprovalBallot:
    approved: frozenset
    weight: int = 1


@dataclass(frozen=True)
class ApprovalResult:
    candidates: tuple
    totals: dict
    tiers: list  # lists of candidates with equal totals, best first
    ranking: list  # strict order after the tie-break
    tie_broken: bool


@dataclass(frozen=True)
class RankedResult:
    candidates: tuple
    pairwise: dict  # (x, y) -> weight of ballots preferring x to y
    strongest: dict  # (x, y) -> strength of the strongest path from x to y
    tiers: list  # the Schulze ranking as a weak order: lists of equals, best first
    ranking: list  # strict order after the tie-break
    borda: dict
    tie_broken: bool
    borda_ranking: list = field(default_factory=list)

    @property
    def winners(self) -> list:
        """The Schulze winners before any tie-break (more than one means a tie)."""
        return list(self.tiers[0]) if self.tiers else []

    def beats(self, x: Candidate, y: Candidate) -> bool:
        return self.strongest[(x, y)] > self.strongest[(y, x)]


def _check_candidates(candidates: Sequence[Candidate]) -> tuple:
    candidates = tuple(candidates)
    if len(set(candidates)) != len(candidates):
        raise ValueError("Candidates must be distinct.")
    return candidates


def _check_weight(weight) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
        raise ValueError("A ballot's weight must be a whole number, zero or more.")


# --- Approval ----------------------------------------------------------------------------


def approval_count(
    *,
    candidates: Sequence[Candidate],
    ballots: Iterable[ApprovalBallot],
    max_choices: int | None = None,
) -> ApprovalResult:
    """Each ballot approves up to ``max_choices`` candidates; the most (weighted) approvals win."""
    candidates = _check_candidates(candidates)
    known = set(candidates)
    totals = dict.fromkeys(candidates, 0)
    for ballot in ballots:
        _check_weight(ballot.weight)
        approved = set(ballot.approved)
        if not approved <= known:
            raise ValueError("A ballot approves a candidate that is not on the ballot.")
        if max_choices is not None and len(approved) > max_choices:
            raise ValueError("A ballot approves more candidates than allowed.")
        for candidate in approved:
            totals[candidate] += ballot.weight
    tiers = _tiers_by_score(candidates, totals)
    ranking = [c for tier in tiers for c in tier]  # tiers keep ballot order inside
    return ApprovalResult(
        candidates=candidates,
        totals=totals,
        tiers=tiers,
        ranking=ranking,
        tie_broken=any(len(tier) > 1 for tier in tiers),
    )


def _tiers_by_score(candidates: tuple, scores: Mapping) -> list:
    tiers: list[list] = []
    for candidate in sorted(candidates, key=lambda c: -scores[c]):  # stable: ballot order
        if tiers and scores[tiers[-1][0]] == scores[candidate]:
            tiers[-1].append(candidate)
        else:
            tiers.append([candidate])
    return tiers


# --- Ranked: pairwise preferences, Schulze, Borda -----------------------------------------


def _validated_ranks(ballot: RankedBallot, known: set) -> Mapping:
    _check_weight(ballot.weight)
    ranks = ballot.ranks
    if not set(ranks) <= known:
        raise ValueError("A ballot ranks a candidate that is not on the ballot.")
    for rank in ranks.values():
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise ValueError("Ranks are whole numbers from 1.")
    if len(set(ranks.values())) != len(ranks):
        raise ValueError("A ballot gives two candidates the same rank.")
    return ranks


def pairwise_matrix(*, candidates: Sequence[Candidate], ballots: Iterable[RankedBallot]) -> dict:
    """d[(x, y)]: the total weight of the ballots that rank x above y."""
    candidates = _check_candidates(candidates)
    known = set(candidates)
    d = {(x, y): 0 for x in candidates for y in candidates if x != y}
    for ballot in ballots:
        ranks = _validated_ranks(ballot, known)
        if not ballot.weight:
            continue
        unranked = float("inf")
        for x in candidates:
            rx = ranks.get(x, unranked)
            if rx == unranked:
                continue
            for y in candidates:
                if x != y and rx < ranks.get(y, unranked):
                    d[(x, y)] += ballot.weight
    return d


def strongest_paths(*, candidates: Sequence[Candidate], pairwise: Mapping) -> dict:
    """p[(x, y)]: the strength of the strongest path from x to y, with a link's strength
    measured by winning votes (d[x, y] where d[x, y] > d[y, x], else no link). Floyd-Warshall
    widest paths, O(n^3)."""
    candidates = tuple(candidates)
    p = {}
    for x in candidates:
        for y in candidates:
            if x != y:
                p[(x, y)] = pairwise[(x, y)] if pairwise[(x, y)] > pairwise[(y, x)] else 0
    for i in candidates:
        for j in candidates:
            if i == j:
                continue
            for k in candidates:
                if k in (i, j):
                    continue
                via = min(p[(j, i)], p[(i, k)])
                if via > p[(j, k)]:
                    p[(j, k)] = via
    return p


def schulze_tiers(*, candidates: Sequence[Candidate], strongest: Mapping) -> list:
    """The Schulze ranking as tiers: first the candidates no one beats, then those no remaining
    candidate beats, and so on (x beats y when p[x, y] > p[y, x]; Schulze proved the relation
    transitive). Ballot order is kept inside a tier."""
    remaining = list(candidates)
    tiers = []
    while remaining:
        tier = [
            y
            for y in remaining
            if not any(strongest[(x, y)] > strongest[(y, x)] for x in remaining if x != y)
        ]
        if not tier:  # cannot happen for a transitive relation; guard against a loop anyway
            tier = list(remaining)
        tiers.append(tier)
        remaining = [c for c in remaining if c not in tier]
    return tiers


def borda_scores(*, candidates: Sequence[Candidate], ballots: Iterable[RankedBallot]) -> dict:
    """Borda count: on each ballot a candidate scores the number of candidates it is ranked
    strictly above (n-1 for first place of n, ..., 0 for last); candidates left out score 0.
    Multiplied by the ballot's weight."""
    candidates = _check_candidates(candidates)
    known = set(candidates)
    scores = dict.fromkeys(candidates, 0)
    n = len(candidates)
    for ballot in ballots:
        ranks = _validated_ranks(ballot, known)
        ordered = sorted(ranks, key=ranks.get)
        for position, candidate in enumerate(ordered):
            scores[candidate] += ballot.weight * (n - 1 - position)
    return scores


def ranked_count(
    *, candidates: Sequence[Candidate], ballots: Iterable[RankedBallot]
) -> RankedResult:
    """Count ranked ballots by the Schulze method, with the Borda count beside it and the
    module's tie-break rule applied to give a strict ranking."""
    candidates = _check_candidates(candidates)
    ballots = list(ballots)
    d = pairwise_matrix(candidates=candidates, ballots=ballots)
    p = strongest_paths(candidates=candidates, pairwise=d)
    tiers = schulze_tiers(candidates=candidates, strongest=p)
    borda = borda_scores(candidates=candidates, ballots=ballots)
    position = {c: i for i, c in enumerate(candidates)}
    ranking = [c for tier in tiers for c in sorted(tier, key=lambda c: (-borda[c], position[c]))]
    return RankedResult(
        candidates=candidates,
        pairwise=d,
        strongest=p,
        tiers=tiers,
        ranking=ranking,
        borda=borda,
        tie_broken=any(len(tier) > 1 for tier in tiers),
        borda_ranking=[c for tier in _tiers_by_score(candidates, borda) for c in tier],
    )


def ballots_from_orders(orders: Iterable[tuple[int, str]]) -> list[RankedBallot]:
    """Test and demo helper: ``[(5, "ACBED"), ...]`` -> five ballots ranking A, C, B, E, D."""
    return [
        RankedBallot(ranks={c: i + 1 for i, c in enumerate(order)}, weight=count)
        for count, order in orders
    ]
