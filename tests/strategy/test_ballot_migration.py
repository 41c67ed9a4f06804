"""The data migration to anonymous ballots keeps every ballot, receipt and tally."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_steps import latest as _latest
from tests.migration_steps import migrate as _migrate
from tests.migration_steps import today_afterwards  # noqa: F401 - autouse

BEFORE = [("strategy", "0004_confirm_priorities_permission")]
AFTER = [("strategy", "0005_anonymous_ballots")]


@pytest.mark.django_db(transaction=True)
def test_ballots_receipts_and_tallies_survive_the_migration():
    old = _migrate(BEFORE)
    User = old.get_model("members", "User")
    FocusArea = old.get_model("strategy", "FocusArea")
    VotingRound = old.get_model("strategy", "VotingRound")
    BallotItem = old.get_model("strategy", "BallotItem")
    Voter = old.get_model("strategy", "Voter")
    Ballot = old.get_model("strategy", "Ballot")
    BallotChoice = old.get_model("strategy", "BallotChoice")
    AuditEntry = old.get_model("strategy", "AuditEntry")
    now = timezone.now()
    users = [User.objects.create(email=f"v{n}@example.dk") for n in range(3)]
    areas = [FocusArea.objects.create(title=t, slug=t.lower()) for t in ("Klima", "Data")]
    rounds = {}
    for secret in (True, False):
        voting_round = VotingRound.objects.create(
            title=f"secret={secret}",
            is_secret=secret,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=1),
            opened_at=now - datetime.timedelta(days=1),
        )
        items = [
            BallotItem.objects.create(round=voting_round, focus_area=a, position=n)
            for n, a in enumerate(areas, 1)
        ]
        for n, user in enumerate(users):
            voter = Voter.objects.create(round=voting_round, user=user, weight=n + 1)
            if n == 2:
                continue  # did not vote
            ballot = Ballot.objects.create(
                round=voting_round, voter=voter, receipt=f"R{int(secret)}{n}-AAAA-BBBB", cast_at=now
            )
            BallotChoice.objects.create(ballot=ballot, item=items[n % 2], rank=1)
            BallotChoice.objects.create(ballot=ballot, item=items[(n + 1) % 2], rank=2)
            AuditEntry.objects.create(
                actor=user,
                action="ballot.cast",
                round=voting_round,
                data={} if secret else {"choices": {str(items[n % 2].pk): 1}},
            )
        rounds[secret] = voting_round.pk

    after = _migrate(AFTER)
    # AuditEntry has since gone into the action log (strategy 0007): the model as of 0005.
    NewAuditEntry = after.get_model("strategy", "AuditEntry")
    # The open rounds' voting rows named voters (and choices): gone, the close writes them.
    assert not NewAuditEntry.objects.filter(
        round_id__in=rounds.values(), action="ballot.cast"
    ).exists()
    # Today's code reads today's schema (later migrations add columns).
    _migrate(_latest())
    from strategy import selectors, services
    from strategy.models import Ballot as NewBallot
    from strategy.models import Voter as NewVoter
    from strategy.models import VotingRound as NewRound

    for secret, round_pk in rounds.items():
        voting_round = NewRound.objects.get(pk=round_pk)
        assert voting_round.ballots.count() == 2
        voters = list(NewVoter.objects.filter(round=voting_round).order_by("user__email"))
        assert [v.has_voted for v in voters] == [True, True, False]
        for n, voter in enumerate(voters[:2]):
            ballot = selectors.ballot_of(voter=voter)
            assert ballot.receipt == f"R{int(secret)}{n}-AAAA-BBBB"
            assert ballot.weight == n + 1
            ranks = {c.item.focus_area.title: c.rank for c in ballot.choices.all()}
            assert ranks == ({"Klima": 1, "Data": 2} if n == 0 else {"Data": 1, "Klima": 2})
        result = services.round_count(voting_round)
        assert result["ballots"] == 2 and result["total_weight"] == 3
    assert NewBallot.objects.count() == 4
