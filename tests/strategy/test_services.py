import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from activity.selectors import actions_for
from devtools.factories import strategy as factories
from devtools.factories.strategy import (
    AffiliationFactory,
    FocusAreaFactory,
    OrganisationFactory,
    SummitFactory,
    UserFactory,
    board_member,
    make_round,
    representative,
)
from members.models import Affiliation, Organisation
from strategy import selectors, services
from strategy.models import (
    Announcement,
    Ballot,
    BallotChoice,
    FocusArea,
    Pledge,
    Voter,
    VotingRound,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English here; test_views reads them in Danish."""
    with translation.override("en"):
        yield


NOW = timezone.now()


def _ranks(voting_round, *titles):
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    return {items[t]: n for n, t in enumerate(titles, start=1)}


def _item_ids(voting_round, *titles):
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    return [items[t] for t in titles]


def _opened(staff, areas, **fields):
    voting_round = make_round(staff=staff, focus_areas=areas, **fields)
    return services.round_open(voting_round=voting_round, actor=staff)


def _close(voting_round, **kw):
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    voting_round.refresh_from_db()
    return services.round_close(voting_round=voting_round, **kw)


# --- Focus areas, comments ------------------------------------------------------------------


def test_member_proposal_waits_for_moderation_and_staff_approves(staff):
    member = factories.AffiliationFactory().user
    area = services.focus_area_propose(user=member, title="Grønne tage", problem="Tagene")
    assert area.moderation == FocusArea.Moderation.PENDING
    assert len(selectors.focus_area_status_history(area=area)) == 1
    assert not FocusArea.objects.approved().filter(pk=area.pk).exists()
    services.focus_area_moderate(focus_area=area, actor=staff, approve=True)
    assert FocusArea.objects.approved().filter(pk=area.pk).exists()
    assert actions_for(target=area, verbs=["focus_area.moderated"]).get().actor == staff


def test_advisory_and_board_members_may_propose_but_plain_users_not():
    advisory = factories.SeatFactory(body="advisory").user
    assert services.focus_area_propose(user=advisory, title="A", problem="B")
    assert services.focus_area_propose(user=board_member(), title="C", problem="D")
    with pytest.raises(PermissionDenied):
        services.focus_area_propose(user=UserFactory(), title="E", problem="F")
    assert FocusArea.objects.count() == 2


def test_proposal_address_keeps_danish_letters():
    area = services.focus_area_propose(
        user=board_member(), title="Fællesskaber i ældreboliger på Ærø", problem="B"
    )
    assert area.slug == "faellesskaber-i-aeldreboliger-paa-aeroe"
    again = services.focus_area_propose(user=board_member(), title="Fællesskaber", problem="B")
    assert again.slug == "faellesskaber"


def test_proposal_needs_title_and_problem():
    with pytest.raises(ValidationError):
        services.focus_area_propose(user=board_member(), title=" ", problem="x")


def test_status_change_writes_dated_history(staff):
    area = FocusAreaFactory()
    services.focus_area_set_status(focus_area=area, status="summit", actor=staff)
    services.focus_area_set_status(focus_area=area, status="ballot", actor=staff)
    history = selectors.focus_area_status_history(area=area)
    assert [(c.status, c.changed_by) for c in history] == [("summit", staff), ("ballot", staff)]
    with pytest.raises(ValidationError):
        services.focus_area_set_status(focus_area=area, status="nonsense", actor=staff)


def test_members_comment_others_cannot():
    area = FocusAreaFactory()
    member = AffiliationFactory().user
    comment = services.comment_add(focus_area=area, user=member, body=" <b>Godt</b> ")
    assert comment.body == "<b>Godt</b>"
    with pytest.raises(PermissionDenied):
        services.comment_add(focus_area=area, user=UserFactory(), body="x")
    with pytest.raises(ValidationError):
        services.comment_add(focus_area=area, user=member, body="   ")
    with pytest.raises(ValidationError):
        services.comment_add(focus_area=area, user=member, body="x" * 4001)
    assert area.comments.count() == 1


# --- Summit pledges -------------------------------------------------------------------------


def test_affiliated_person_pledges_and_changes_the_pledge():
    summit = SummitFactory()
    area = FocusAreaFactory()
    affiliation = AffiliationFactory(organisation=OrganisationFactory(kind="financial"))
    pledge = services.pledge_save(
        summit=summit,
        focus_area=area,
        organisation=affiliation.organisation,
        user=affiliation.user,
        assessment="strong",
        financial=True,
        amount=Decimal("1000000.50"),
    )
    assert pledge.backing_kinds == ["financial"]
    services.pledge_save(
        summit=summit,
        focus_area=area,
        organisation=affiliation.organisation,
        user=affiliation.user,
        assessment="support",
        practical=True,
    )
    pledge.refresh_from_db()
    assert Pledge.objects.count() == 1
    assert pledge.backing_kinds == ["practical"] and pledge.amount is None


def test_pledge_by_someone_not_affiliated_is_refused_and_nothing_changes():
    summit, area = SummitFactory(), FocusAreaFactory()
    organisation = OrganisationFactory(kind="knowledge")
    stranger = AffiliationFactory().user  # affiliated, but with another organisation
    ended = AffiliationFactory(organisation=organisation, ends_on=datetime.date(2021, 1, 1)).user
    unconfirmed = AffiliationFactory(organisation=organisation, confirmed_at=None).user
    for user in (stranger, ended, unconfirmed):
        with pytest.raises(ValidationError, match="affiliated"):
            services.pledge_save(
                summit=summit,
                focus_area=area,
                organisation=organisation,
                user=user,
                assessment="support",
                theoretical=True,
            )
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("financial", "amount"), [(True, None), (True, Decimal("0")), (False, Decimal("10"))]
)
def test_pledge_amount_goes_with_financial_backing(financial, amount):
    affiliation = AffiliationFactory()
    with pytest.raises(ValidationError):
        services.pledge_save(
            summit=SummitFactory(),
            focus_area=FocusAreaFactory(),
            organisation=affiliation.organisation,
            user=affiliation.user,
            assessment="support",
            financial=financial,
            amount=amount,
        )


def test_pledge_only_at_a_summit():
    affiliation = AffiliationFactory()
    with pytest.raises(ValidationError):
        services.pledge_save(
            summit=SummitFactory(kind="seminar"),
            focus_area=FocusAreaFactory(),
            organisation=affiliation.organisation,
            user=affiliation.user,
            assessment="support",
        )


def test_matrix_shows_backing_from_all_sides():
    summit, area = SummitFactory(), FocusAreaFactory()
    for kind, backing in [
        ("housing", {"practical": True}),
        ("knowledge", {"theoretical": True}),
        ("financial", {"financial": True, "amount": Decimal("500")}),
    ]:
        a = AffiliationFactory(organisation=OrganisationFactory(kind=kind))
        services.pledge_save(
            summit=summit,
            focus_area=area,
            organisation=a.organisation,
            user=a.user,
            assessment="support",
            **backing,
        )
    pledges = list(area.pledges.select_related("organisation"))
    matrix = selectors.pledge_matrix(pledges)
    assert matrix["all_sides"]
    cells = {(row["kind"], c["backing"].value): c for row in matrix["rows"] for c in row["cells"]}
    assert cells[("housing", "practical")]["count"] == 1
    assert cells[("housing", "financial")]["count"] == 0
    assert cells[("financial", "financial")]["amount"] == Decimal("500")
    assert not selectors.pledge_matrix(pledges[:2])["all_sides"]


# --- Electorates ----------------------------------------------------------------------------


def test_board_electorate_is_fixed_at_opening_without_substitutes(staff, areas, board):
    members, substitute = board
    voting_round = _opened(staff, areas)
    assert set(voting_round.voters.values_list("user", flat=True)) == {m.pk for m in members}
    later = board_member()  # joins after opening: not in this round
    assert not Voter.objects.filter(round=voting_round, user=later).exists()
    assert voting_round.items.filter(focus_area__status="ballot").count() == 3


def test_substitute_stands_in_for_a_named_member(staff, areas, board):
    members, substitute = board
    voting_round = make_round(staff=staff, focus_areas=areas)
    services.round_add_stand_in(
        voting_round=voting_round, actor=staff, substitute=substitute, stands_in_for=members[0]
    )
    services.round_open(voting_round=voting_round, actor=staff)
    voters = {v.user_id: v for v in voting_round.voters.all()}
    assert members[0].pk not in voters
    assert voters[substitute.pk].stands_in_for_id == members[0].pk
    assert len(voters) == 3


def test_stand_in_must_be_a_substitute_for_a_board_member(staff, areas, board):
    members, substitute = board
    voting_round = make_round(staff=staff, focus_areas=areas)
    with pytest.raises(ValidationError):
        services.round_add_stand_in(
            voting_round=voting_round, actor=staff, substitute=members[1], stands_in_for=members[0]
        )
    with pytest.raises(ValidationError):
        services.round_add_stand_in(
            voting_round=voting_round,
            actor=staff,
            substitute=substitute,
            stands_in_for=UserFactory(),
        )


def test_council_electorate_one_vote_per_member_organisation_weighted_by_homes(staff, areas):
    a, org_a = representative(homes=10_000)
    b, org_b = representative(homes=2_000)
    AffiliationFactory(organisation=org_a, role=Affiliation.Role.REPRESENTATIVE)  # second rep
    representative(member=False)  # not a member organisation: no vote
    AffiliationFactory(organisation=OrganisationFactory(), role=Affiliation.Role.EMPLOYEE)
    voting_round = _opened(
        staff, areas, electorate="council", weight_by_homes=True, is_secret=False
    )
    voters = {v.organisation_id: v for v in voting_round.voters.all()}
    assert set(voters) == {org_a.pk, org_b.pk}
    assert voters[org_a.pk].user == a and voters[org_a.pk].weight == 10_000
    assert voters[org_b.pk].weight == 2_000


def test_council_without_weights_counts_one_each(staff, areas):
    representative(homes=10_000)
    representative(homes=2_000)
    voting_round = _opened(staff, areas, electorate="council")
    assert set(voting_round.voters.values_list("weight", flat=True)) == {1}


def test_weights_only_for_council_rounds(staff, areas):
    with pytest.raises(ValidationError):
        make_round(staff=staff, focus_areas=areas, weight_by_homes=True)


def test_only_staff_open_rounds_and_only_once(staff, areas, board):
    voting_round = make_round(staff=staff, focus_areas=areas)
    with pytest.raises(PermissionDenied):
        services.round_open(voting_round=voting_round, actor=board[0][0])
    services.round_open(voting_round=voting_round, actor=staff)
    with pytest.raises(ValidationError):
        services.round_open(voting_round=voting_round, actor=staff)


# --- Casting ballots ------------------------------------------------------------------------


def test_cast_gives_a_receipt_and_changing_keeps_it(staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas)
    ballot = services.ballot_cast(
        voting_round=voting_round, user=voter, ranks=_ranks(voting_round, "Klima", "Data")
    )
    assert len(ballot.receipt) == 14 and ballot.receipt.count("-") == 2
    again = services.ballot_cast(
        voting_round=voting_round, user=voter, ranks=_ranks(voting_round, "Data", "Ældre", "Klima")
    )
    assert again.pk == ballot.pk and again.receipt == ballot.receipt
    assert [c.item.focus_area.title for c in again.choices.order_by("rank")] == [
        "Data",
        "Ældre",
        "Klima",
    ]
    assert Ballot.objects.count() == 1
    # Voting itself is not logged (a time would tie the voter to the ballot); the close
    # records who voted.
    assert not actions_for(target=voting_round).filter(verb__startswith="ballot.").exists()


def _refused(voting_round, user, exc=ValidationError, **choices):
    before = list(BallotChoice.objects.values_list("ballot_id", "item_id", "rank"))
    with pytest.raises(exc) as info:
        services.ballot_cast(voting_round=voting_round, user=user, **choices)
    assert list(BallotChoice.objects.values_list("ballot_id", "item_id", "rank")) == before
    return str(info.value)


def test_bad_ballots_are_refused_and_nothing_changes(staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas)
    other = _opened(staff, [FocusAreaFactory(title="Andet"), FocusAreaFactory(title="Mere")])
    services.ballot_cast(voting_round=voting_round, user=voter, ranks=_ranks(voting_round, "Klima"))
    ids = _item_ids(voting_round, "Klima", "Ældre", "Data")
    other_item = other.items.first().pk
    assert "not on this ballot" in _refused(voting_round, voter, ranks={other_item: 1})
    assert "not on this ballot" in _refused(voting_round, voter, ranks={999_999: 1})
    assert "same rank" in _refused(voting_round, voter, ranks={ids[0]: 1, ids[1]: 1})
    assert "1 to 3" in _refused(voting_round, voter, ranks={ids[0]: 4})
    assert "1 to 3" in _refused(voting_round, voter, ranks={ids[0]: 0})
    assert _refused(voting_round, voter, ranks={})
    assert "ranked" in _refused(voting_round, voter, approvals=[ids[0]])
    assert "electorate" in _refused(
        voting_round, UserFactory(), exc=PermissionDenied, ranks={ids[0]: 1}
    )
    substitute = board[1]
    assert "electorate" in _refused(
        voting_round, substitute, exc=PermissionDenied, ranks={ids[0]: 1}
    )


def test_vote_outside_the_window_is_refused(staff, areas, board):
    voter = board[0][0]
    later = make_round(
        staff=staff,
        focus_areas=areas,
        opens_at=NOW + datetime.timedelta(days=1),
        closes_at=NOW + datetime.timedelta(days=2),
    )
    services.round_open(voting_round=later, actor=staff)
    ids = _item_ids(later, "Klima")
    assert "not open" in _refused(later, voter, ranks={ids[0]: 1})
    # after the close
    assert "not open" in _refused(
        later, voter, ranks={ids[0]: 1}, now=NOW + datetime.timedelta(days=3)
    )
    # a round staff never opened
    draft = make_round(staff=staff, focus_areas=areas)
    assert "not open" in _refused(draft, voter, ranks={_item_ids(draft, "Klima")[0]: 1})


def test_voter_without_two_factor_is_refused(staff, areas):
    voter = board_member(mfa=False)
    voting_round = _opened(staff, areas)
    message = _refused(
        voting_round, voter, exc=PermissionDenied, ranks=_ranks(voting_round, "Klima")
    )
    assert "two-factor" in message


def test_approval_ballot_limits(staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas, method="approval", max_choices=2)
    ids = _item_ids(voting_round, "Klima", "Ældre", "Data")
    assert "at most 2" in _refused(voting_round, voter, approvals=ids)
    assert "twice" in _refused(voting_round, voter, approvals=[ids[0], ids[0]])
    assert _refused(voting_round, voter, approvals=[])
    assert "not on this ballot" in _refused(voting_round, voter, approvals=[123_456])
    assert _refused(voting_round, voter, ranks={ids[0]: 1})
    ballot = services.ballot_cast(voting_round=voting_round, user=voter, approvals=ids[:2])
    assert ballot.choices.count() == 2


# --- Locked rules ---------------------------------------------------------------------------


def test_rules_lock_once_the_first_ballot_exists(staff, areas, board):
    voting_round = _opened(staff, areas)
    services.round_update(voting_round=voting_round, actor=staff, quorum=2)  # no ballots yet: fine
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Klima")
    )
    for change in (
        {"method": "approval"},
        {"quorum": 1},
        {"is_secret": False},
        {"max_choices": 1},
        {"closes_at": NOW + datetime.timedelta(days=30)},
    ):
        with pytest.raises(ValidationError, match="rules"):
            services.round_update(voting_round=voting_round, actor=staff, **change)
    voting_round.refresh_from_db()
    assert voting_round.method == "ranked" and voting_round.quorum == 2 and voting_round.is_secret
    services.round_update(voting_round=voting_round, actor=staff, title="Nyt navn")  # not a rule


def test_electorate_and_ballot_fixed_at_opening(staff, areas, board):
    voting_round = _opened(staff, areas)
    with pytest.raises(ValidationError):
        services.round_update(voting_round=voting_round, actor=staff, electorate="council")
    with pytest.raises(ValidationError):
        services.round_set_items(voting_round=voting_round, actor=staff, focus_areas=areas[:1])
    with pytest.raises(ValidationError):
        services.round_add_stand_in(
            voting_round=voting_round, actor=staff, substitute=board[1], stands_in_for=board[0][0]
        )


# --- Closing, quorum, results ---------------------------------------------------------------


def test_results_hidden_until_close_then_counted(staff, areas, board):
    members, _sub = board
    voting_round = _opened(staff, areas, quorum=2)
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Data", "Klima")
    )
    services.ballot_cast(
        voting_round=voting_round, user=members[1], ranks=_ranks(voting_round, "Data", "Ældre")
    )
    assert selectors.round_result(voting_round=voting_round) is None
    with pytest.raises(ValidationError):
        services.round_close(voting_round=voting_round)
    voting_round = _close(voting_round)
    assert voting_round.outcome == VotingRound.Outcome.VALID
    result = selectors.round_result(voting_round=voting_round)
    assert result["rows"][0]["title"] == "Data"
    assert result["ballots_cast"] == 2 and result["electorate"] == 3
    assert len(result["matrix"]) == 3
    assert {b["receipt"] for b in result["ballots"]} == set(
        Ballot.objects.values_list("receipt", flat=True)
    )
    assert (
        services.round_close(voting_round=voting_round).closed_at == voting_round.closed_at
    )  # idempotent


def test_below_quorum_closes_as_not_valid(staff, areas, board):
    voting_round = _opened(staff, areas, quorum=2)
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Data")
    )
    voting_round = _close(voting_round)
    assert voting_round.outcome == VotingRound.Outcome.NOT_VALID
    assert not selectors.round_result(voting_round=voting_round)["valid"]
    with pytest.raises(ValidationError):
        services.round_confirm_priorities(
            voting_round=voting_round, actor=staff, focus_areas=[areas[2]]
        )


def test_weighted_council_counts_like_duplicated_ballots(staff, areas):
    big, _ = representative(homes=5)
    small1, _ = representative(homes=2)
    small2, _ = representative(homes=2)
    voting_round = _opened(
        staff,
        areas,
        electorate="council",
        weight_by_homes=True,
        is_secret=False,
        method="approval",
        max_choices=1,
    )
    services.ballot_cast(
        voting_round=voting_round, user=big, approvals=_item_ids(voting_round, "Klima")
    )
    services.ballot_cast(
        voting_round=voting_round, user=small1, approvals=_item_ids(voting_round, "Data")
    )
    services.ballot_cast(
        voting_round=voting_round, user=small2, approvals=_item_ids(voting_round, "Data")
    )
    voting_round = _close(voting_round)
    result = selectors.round_result(voting_round=voting_round)
    assert [(r["title"], r["score"]) for r in result["rows"]][:2] == [("Klima", 5), ("Data", 4)]
    assert result["total_weight"] == 9


def test_secret_round_lists_receipts_without_names_open_round_with_names(staff, areas, board):
    members, _sub = board
    for secret in (True, False):
        voting_round = _opened(staff, areas, is_secret=secret, title=f"secret={secret}")
        services.ballot_cast(
            voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
        )
        voting_round = _close(voting_round)
        ballots = selectors.round_result(voting_round=voting_round)["ballots"]
        assert ballots[0]["name"] == (None if secret else str(members[0]))
        audit = actions_for(target=voting_round, verbs=["ballot.cast"]).get()
        assert ("receipt" in audit.data) is (not secret)


def test_rounds_close_due(staff, areas, board):
    voting_round = _opened(staff, areas)
    assert services.rounds_close_due() == 0
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.rounds_close_due() == 1
    voting_round.refresh_from_db()
    assert voting_round.is_counted


# --- Announcement ---------------------------------------------------------------------------


def test_confirm_priorities_changes_status_and_mails_contacts_once(
    staff, areas, board, mail_outbox
):
    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Klima")
    )
    voting_round = _close(voting_round)
    contacts = {}
    for kind in ("housing", "knowledge", "financial", "other"):
        a = AffiliationFactory(
            organisation=OrganisationFactory(kind=kind), role=Affiliation.Role.CONTACT
        )
        contacts[kind] = a.user
    AffiliationFactory(role=Affiliation.Role.EMPLOYEE)  # not a contact
    queued = services.round_confirm_priorities(
        voting_round=voting_round, actor=staff, focus_areas=[areas[0]]
    )
    assert queued == 3
    assert {c["to"] for c in mail_outbox.of("priorities")} == {
        contacts["housing"],
        contacts["knowledge"],
        contacts["financial"],
    }
    assert all(c["template"] == "strategy/mail/priorities" for c in mail_outbox.of("priorities"))
    assert len({c["dedup_key"] for c in mail_outbox.of("priorities")}) == 3
    statuses = dict(FocusArea.objects.values_list("title", "status"))
    assert statuses == {"Klima": "prioritised", "Ældre": "not_chosen", "Data": "not_chosen"}
    # a second confirmation (double click, two staff) mails no one again
    assert (
        services.round_confirm_priorities(
            voting_round=voting_round, actor=staff, focus_areas=[areas[0]]
        )
        == 0
    )
    assert len(mail_outbox.of("priorities")) == 3 and Announcement.objects.count() == 3


def test_confirm_priorities_refuses_focus_areas_off_the_ballot(staff, areas, board, mail_outbox):
    voting_round = _opened(staff, areas[:2])
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Klima")
    )
    voting_round = _close(voting_round)
    with pytest.raises(ValidationError):
        services.round_confirm_priorities(
            voting_round=voting_round, actor=staff, focus_areas=[areas[2]]
        )
    with pytest.raises(PermissionDenied):
        services.round_confirm_priorities(
            voting_round=voting_round, actor=board[0][0], focus_areas=areas[:1]
        )
    assert not mail_outbox.of("priorities")


def test_announcement_goes_through_the_real_outbox(staff, areas, board):
    from outbox.models import OutboxMessage

    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Klima")
    )
    voting_round = _close(voting_round)
    AffiliationFactory(organisation=OrganisationFactory(kind="knowledge"), role="contact")
    services.round_confirm_priorities(
        voting_round=voting_round, actor=staff, focus_areas=[areas[0]]
    )
    message = OutboxMessage.objects.get(template="strategy/mail/priorities")
    assert "Klima" in message.body_text
    assert message.dedup_key.startswith(f"strategy.priorities:{voting_round.pk}:")


def test_organisation_kinds_announced():
    assert set(services.ANNOUNCED_KINDS) == {
        Organisation.Kind.HOUSING,
        Organisation.Kind.KNOWLEDGE,
        Organisation.Kind.FINANCIAL,
    }


def test_beat_task_counts_rounds_past_their_close(staff, areas, board):
    from strategy.tasks import rounds_close_due_task

    voting_round = _opened(staff, areas)
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert rounds_close_due_task.delay().get() == 1
    voting_round.refresh_from_db()
    assert voting_round.outcome == VotingRound.Outcome.NOT_VALID  # no ballots, quorum 1
