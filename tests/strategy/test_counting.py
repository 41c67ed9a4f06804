"""The counting code against published worked examples and its invariants (hypothesis)."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from strategy.counting import (
    ApprovalBallot,
    RankedBallot,
    approval_count,
    ballots_from_orders,
    borda_scores,
    pairwise_matrix,
    ranked_count,
)

# Wikipedia, "Schulze method", the example with 45 voters and 5 candidates; the same example is
# Example 1 in Schulze, "A new monotonic, clone-independent, reversal symmetric, and
# Condorcet-consistent single-winner election method", Social Choice and Welfare 36 (2011).
WIKIPEDIA_45 = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def _matrix(result_dict, candidates):
    return [[result_dict.get((x, y)) for y in candidates] for x in candidates]


def test_schulze_wikipedia_45_voters_pairwise_paths_and_ranking():
    result = ranked_count(candidates="ABCDE", ballots=ballots_from_orders(WIKIPEDIA_45))
    assert _matrix(result.pairwise, "ABCDE") == [
        [None, 20, 26, 30, 22],
        [25, None, 16, 33, 18],
        [19, 29, None, 17, 24],
        [15, 12, 28, None, 14],
        [23, 27, 21, 31, None],
    ]
    assert _matrix(result.strongest, "ABCDE") == [
        [None, 28, 28, 30, 24],
        [25, None, 28, 33, 24],
        [25, 29, None, 29, 24],
        [25, 28, 28, None, 24],
        [25, 28, 28, 31, None],
    ]
    assert result.winners == ["E"]
    assert result.ranking == ["E", "A", "C", "B", "D"]
    assert not result.tie_broken


def test_schulze_paper_example_2_winner_d():
    # Schulze (2011), example 2: 30 voters, 4 candidates; ranking D > A > C > B.
    ballots = ballots_from_orders(
        [
            (5, "ACBD"),
            (2, "ACDB"),
            (3, "ADCB"),
            (4, "BACD"),
            (3, "CBDA"),
            (3, "CDBA"),
            (1, "DACB"),
            (5, "DBAC"),
            (4, "DCBA"),
        ]
    )
    result = ranked_count(candidates="ABCD", ballots=ballots)
    assert _matrix(result.pairwise, "ABCD") == [
        [None, 11, 20, 14],
        [19, None, 9, 12],
        [10, 21, None, 17],
        [16, 18, 13, None],
    ]
    assert result.winners == ["D"]
    assert result.ranking == ["D", "A", "C", "B"]


def test_schulze_paper_example_4_tie_between_b_and_d_broken_by_the_rule():
    # Schulze (2011), example 4: 9 voters; B and D are tied winners.
    ballots = ballots_from_orders([(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")])
    result = ranked_count(candidates="ABCD", ballots=ballots)
    assert sorted(result.winners) == ["B", "D"]
    assert result.tie_broken
    # The rule: Borda decides inside a tier. B 16, D 14; then A 13, C 11.
    assert result.borda == {"A": 13, "B": 16, "C": 11, "D": 14}
    assert result.ranking == ["B", "D", "A", "C"]


def test_tie_left_by_borda_is_broken_by_ballot_order():
    ballots = [RankedBallot(ranks={"A": 1, "B": 2}), RankedBallot(ranks={"B": 1, "A": 2})]
    assert ranked_count(candidates="AB", ballots=ballots).ranking == ["A", "B"]
    assert ranked_count(candidates="BA", ballots=ballots).ranking == ["B", "A"]


TENNESSEE = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]
CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]


def test_borda_wikipedia_tennessee_example():
    # Wikipedia, "Borda count": Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107.
    scores = borda_scores(candidates=CITIES, ballots=ballots_from_orders(TENNESSEE))
    assert scores == {"Nashville": 194, "Chattanooga": 173, "Memphis": 126, "Knoxville": 107}


def test_schulze_tennessee_example_nashville_condorcet_winner():
    # Wikipedia, "Schulze method" / "Condorcet method": Nashville > Chattanooga > Knoxville >
    # Memphis.
    result = ranked_count(candidates=CITIES, ballots=ballots_from_orders(TENNESSEE))
    assert result.ranking == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
    assert result.pairwise[("Nashville", "Memphis")] == 58
    assert result.borda_ranking == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]


def test_borda_gives_n_minus_one_down_to_zero_and_nothing_to_unranked():
    ballots = [RankedBallot(ranks={"A": 1, "B": 2}, weight=3)]
    assert borda_scores(candidates="ABCD", ballots=ballots) == {"A": 9, "B": 6, "C": 0, "D": 0}


def test_unranked_candidates_are_below_ranked_and_level_with_each_other():
    d = pairwise_matrix(candidates="ABC", ballots=[RankedBallot(ranks={"B": 1})])
    assert d[("B", "A")] == d[("B", "C")] == 1
    assert d[("A", "C")] == d[("C", "A")] == 0


def test_approval_counts_weights_and_breaks_ties_by_ballot_order():
    ballots = [
        ApprovalBallot(approved=frozenset({"A", "B"}), weight=2),
        ApprovalBallot(approved=frozenset({"C"}), weight=2),
        ApprovalBallot(approved=frozenset({"B"}), weight=1),
    ]
    result = approval_count(candidates="CBA", ballots=ballots, max_choices=2)
    assert result.totals == {"A": 2, "B": 3, "C": 2}
    assert result.tiers == [["B"], ["C", "A"]]
    assert result.ranking == ["B", "C", "A"]
    assert result.tie_broken


@pytest.mark.parametrize(
    "ballot",
    [
        RankedBallot(ranks={"A": 1, "B": 1}),
        RankedBallot(ranks={"Z": 1}),
        RankedBallot(ranks={"A": 0}),
        RankedBallot(ranks={"A": 1}, weight=-1),
    ],
)
def test_ranked_count_refuses_bad_ballots(ballot):
    with pytest.raises(ValueError):
        ranked_count(candidates="ABC", ballots=[ballot])


def test_approval_refuses_too_many_and_unknown():
    with pytest.raises(ValueError):
        approval_count(candidates="AB", ballots=[ApprovalBallot(frozenset("AB"))], max_choices=1)
    with pytest.raises(ValueError):
        approval_count(candidates="AB", ballots=[ApprovalBallot(frozenset("Z"))])


# --- Properties ---------------------------------------------------------------------------

CANDIDATES = "ABCDE"


@st.composite
def ranked_ballots(draw, candidates=CANDIDATES, max_size=12):
    n = draw(st.integers(min_value=2, max_value=len(candidates)))
    cands = candidates[:n]
    ballot = st.builds(
        lambda order, cut, weight: RankedBallot(
            ranks={c: i + 1 for i, c in enumerate(order[: max(1, cut)])}, weight=weight
        ),
        st.permutations(cands),
        st.integers(min_value=1, max_value=n),
        st.integers(min_value=1, max_value=5),
    )
    return cands, draw(st.lists(ballot, min_size=1, max_size=max_size))


def _expand(ballots):
    return [RankedBallot(ranks=b.ranks) for b in ballots for _ in range(b.weight)]


@settings(max_examples=150, deadline=None)
@given(ranked_ballots())
def test_condorcet_winner_always_wins_schulze(data):
    cands, ballots = data
    d = pairwise_matrix(candidates=cands, ballots=ballots)
    condorcet = [x for x in cands if all(d[(x, y)] > d[(y, x)] for y in cands if y != x)]
    assume(condorcet)
    result = ranked_count(candidates=cands, ballots=ballots)
    assert result.winners == condorcet
    assert result.ranking[0] == condorcet[0]


@settings(max_examples=100, deadline=None)
@given(ranked_ballots(), st.randoms(use_true_random=False))
def test_permuting_ballots_changes_nothing(data, rnd):
    cands, ballots = data
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    a = ranked_count(candidates=cands, ballots=ballots)
    b = ranked_count(candidates=cands, ballots=shuffled)
    assert (a.ranking, a.pairwise, a.strongest, a.borda) == (
        b.ranking,
        b.pairwise,
        b.strongest,
        b.borda,
    )


@settings(max_examples=150, deadline=None)
@given(ranked_ballots(), st.data())
def test_adding_a_ballot_ranking_the_winner_first_keeps_it_a_winner(data, more):
    # Schulze's mono-add-plump criterion (Schulze 2011): a ballot that ranks X first and
    # leaves the rest unranked never makes a Schulze winner X lose.
    cands, ballots = data
    before = ranked_count(candidates=cands, ballots=ballots)
    x = more.draw(st.sampled_from(before.winners))
    weight = more.draw(st.integers(min_value=1, max_value=5))
    after = ranked_count(
        candidates=cands, ballots=[*ballots, RankedBallot(ranks={x: 1}, weight=weight)]
    )
    assert x in after.winners


def test_schulze_is_not_mono_add_top_counterexample_found_by_hypothesis():
    # Why the property above adds a ballot that ranks X first and *nothing else*: with a full
    # ranking below X, the Schulze method can lose X (it fails the participation criterion,
    # as Schulze 2011 notes). Hypothesis found this case for a property that asked for more;
    # it stays here as a worked reminder that the count behaves as the method is defined.
    ballots = [
        RankedBallot(ranks={"A": 1}, weight=3),
        RankedBallot(ranks={"A": 1, "B": 2, "C": 3}, weight=4),
        RankedBallot(ranks={"A": 1, "D": 2}, weight=4),
        RankedBallot(ranks={"C": 1}, weight=9),
        RankedBallot(ranks={"C": 1, "D": 2}, weight=3),
        RankedBallot(ranks={"D": 1}, weight=7),
        RankedBallot(ranks={"D": 1, "A": 2}, weight=4),
    ]
    assert ranked_count(candidates="ABCD", ballots=ballots).winners == ["A"]
    full = RankedBallot(ranks={"A": 1, "D": 2, "C": 3, "B": 4})
    assert ranked_count(candidates="ABCD", ballots=[*ballots, full]).winners == ["D"]
    plump = RankedBallot(ranks={"A": 1})
    assert ranked_count(candidates="ABCD", ballots=[*ballots, plump]).winners == ["A"]


@settings(max_examples=150, deadline=None)
@given(ranked_ballots())
def test_schulze_ranking_is_a_strict_weak_order(data):
    cands, ballots = data
    r = ranked_count(candidates=cands, ballots=ballots)
    # the beat relation is irreflexive, asymmetric and transitive
    for x in cands:
        for y in cands:
            if x == y:
                continue
            assert not (r.beats(x, y) and r.beats(y, x))
            for z in cands:
                if z not in (x, y) and r.beats(x, y) and r.beats(y, z):
                    assert r.beats(x, z)
    # tiers partition the candidates; everything in an earlier tier beats or ties later ones,
    # and nothing later beats anything earlier
    flat = [c for tier in r.tiers for c in tier]
    assert sorted(flat) == sorted(cands)
    assert sorted(r.ranking) == sorted(cands)
    tier_of = {c: i for i, tier in enumerate(r.tiers) for c in tier}
    for x in cands:
        for y in cands:
            if x != y and r.beats(x, y):
                assert tier_of[x] < tier_of[y]


@settings(max_examples=100, deadline=None)
@given(ranked_ballots(max_size=6))
def test_weights_equal_duplicated_ballots(data):
    cands, ballots = data
    weighted = ranked_count(candidates=cands, ballots=ballots)
    duplicated = ranked_count(candidates=cands, ballots=_expand(ballots))
    assert weighted.pairwise == duplicated.pairwise
    assert weighted.strongest == duplicated.strongest
    assert weighted.borda == duplicated.borda
    assert weighted.ranking == duplicated.ranking


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sets(st.sampled_from("ABCD"), max_size=2), st.integers(1, 4)), max_size=10
    )
)
def test_approval_weights_equal_duplicated_ballots(raw):
    weighted = [ApprovalBallot(frozenset(s), w) for s, w in raw]
    duplicated = [ApprovalBallot(frozenset(s)) for s, w in raw for _ in range(w)]
    a = approval_count(candidates="ABCD", ballots=weighted, max_choices=2)
    b = approval_count(candidates="ABCD", ballots=duplicated, max_choices=2)
    assert a == b
    assert sum(a.totals.values()) == sum(len(s) * w for s, w in raw)
