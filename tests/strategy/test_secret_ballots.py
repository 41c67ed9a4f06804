"""Secret ballots that are secret (issue 12, finding 4): nothing in the database, the admin or
the audit log ties a voter to a ballot, while each voter still finds, changes and checks their
own; nobody sees choices before the close."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from activity.admin import actions_url
from activity.models import Action
from activity.selectors import actions_for
from devtools.factories.strategy import UserFactory, give_mfa, make_round, representative
from members.groups import groups_sync
from strategy import secrecy, selectors, services
from strategy.models import Ballot, BallotChoice, Voter, VotingRound

pytestmark = pytest.mark.django_db


def _opened(staff, areas, **fields):
    return services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas, **fields), actor=staff
    )


def _ranks(voting_round, *titles):
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    return {items[t]: n for n, t in enumerate(titles, start=1)}


def _close(voting_round):
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    voting_round.refresh_from_db()
    return services.round_close(voting_round=voting_round)


def test_the_ballot_table_names_no_voter_and_no_time():
    fields = {f.name for f in Ballot._meta.concrete_fields}
    assert fields == {"id", "round", "link", "receipt", "weight"}
    assert isinstance(Ballot._meta.pk, type(Ballot._meta.get_field("id")))
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert BallotChoice._meta.pk.get_internal_type() == "UUIDField"
    assert {f.name for f in BallotChoice._meta.concrete_fields} == {"id", "ballot", "item", "rank"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name IN (%s, %s)",
            [Ballot._meta.db_table, BallotChoice._meta.db_table],
        )
        columns = cursor.fetchall()
    assert not [c for c, t in columns if "time" in t or "date" in t]
    assert not [c for c, _t in columns if "voter" in c or "user" in c]


def test_voter_changes_own_ballot_and_keeps_a_derived_receipt(staff, areas, board):
    voter_user = board[0][0]
    voting_round = _opened(staff, areas)
    first = services.ballot_cast(
        voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Klima")
    )
    voter = Voter.objects.get(round=voting_round, user=voter_user)
    assert voter.has_voted
    assert isinstance(first.pk, uuid.UUID)
    assert first.receipt == secrecy.ballot_receipt(round_id=voting_round.pk, voter_id=voter.pk)
    assert first.link == secrecy.ballot_link(round_id=voting_round.pk, voter_id=voter.pk)
    again = services.ballot_cast(
        voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Data", "Klima")
    )
    assert again.pk == first.pk and again.receipt == first.receipt
    assert selectors.ballot_of(voter=voter) == again
    assert selectors.current_choices(voter=voter) == _ranks(voting_round, "Data", "Klima")
    # Another voter's ballot is not theirs.
    other = Voter.objects.get(round=voting_round, user=board[0][1])
    assert selectors.ballot_of(voter=other) is None


def test_without_the_key_the_link_is_lost_and_no_second_ballot_is_cast(staff, areas, board):
    voter_user = board[0][0]
    voting_round = _opened(staff, areas)
    ballot = services.ballot_cast(
        voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Klima")
    )
    voter = Voter.objects.get(round=voting_round, user=voter_user)
    with override_settings(SECRET_KEY="another key entirely, 50 characters long or so!!"):
        assert selectors.ballot_of(voter=voter) is None
        with pytest.raises(ValidationError, match="kan ikke findes"):
            services.ballot_cast(
                voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Data")
            )
    assert Ballot.objects.filter(round=voting_round).count() == 1
    from django.conf import settings

    old_key = settings.SECRET_KEY
    with override_settings(
        SECRET_KEY="a rotated key, also long enough for Django's checks!!",
        SECRET_KEY_FALLBACKS=[old_key],
    ):
        changed = services.ballot_cast(
            voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Data")
        )
        assert changed.pk == ballot.pk and changed.receipt == ballot.receipt
        assert changed.link == secrecy.ballot_link(round_id=voting_round.pk, voter_id=voter.pk)


def test_admin_shows_neither_voter_nor_time_nor_choices_before_the_close(
    client, staff, areas, board
):
    voter_user = board[0][0]
    voting_round = _opened(staff, areas, is_secret=True)
    ballot = services.ballot_cast(
        voting_round=voting_round, user=voter_user, ranks=_ranks(voting_round, "Klima")
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:strategy_ballot_changelist")).content.decode()
    page = client.get(reverse("admin:strategy_ballot_change", args=[ballot.pk])).content.decode()
    for html in (listing, page):
        assert ballot.receipt in html
        assert voter_user.get_full_name() not in html and voter_user.email not in html
        assert "Klima" not in html
        assert "efter afstemningens lukning" in html
    log = client.get(reverse("admin:activity_action_changelist"))
    assert log.status_code == 200 and log.context["cl"].result_count > 0  # the round's rows
    assert not [row for row in log.context["cl"].result_list if row.verb.startswith("ballot.")]
    assert voter_user.email not in log.content.decode()
    _close(voting_round)
    page = client.get(reverse("admin:strategy_ballot_change", args=[ballot.pk])).content.decode()
    assert "Klima" in page and voter_user.get_full_name() not in page


@pytest.mark.parametrize("secret", [True, False])
def test_audit_records_voting_at_the_close_and_choices_only_then(staff, areas, board, secret):
    members, _substitute = board
    voting_round = _opened(staff, areas, is_secret=secret)
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    services.ballot_cast(
        voting_round=voting_round, user=members[1], ranks=_ranks(voting_round, "Data")
    )
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Ældre")
    )
    assert not Action.objects.filter(verb__startswith="ballot.").exists()
    voting_round = _close(voting_round)
    rows = list(actions_for(target=voting_round, verbs=["ballot.cast"]))
    assert {r.actor for r in rows} == {members[0], members[1]}
    assert {r.created_at for r in rows} == {voting_round.closed_at}
    # No client address: the rows are written at the close, not by the voters.
    assert {r.client_address for r in rows} == {None}
    if secret:
        assert all(r.data == {} for r in rows)
    else:
        by_actor = {r.actor: r.data for r in rows}
        assert by_actor[members[0]]["choices"] == {
            str(k): v for k, v in _ranks(voting_round, "Ældre").items()
        }
        assert by_actor[members[1]]["receipt"]


def test_secret_rounds_cannot_be_weighted(staff, areas):
    representative(homes=45_670)
    with pytest.raises(ValidationError, match="kan ikke være hemmelig"):
        make_round(staff=staff, focus_areas=areas, electorate="council", weight_by_homes=True)
    voting_round = make_round(
        staff=staff, focus_areas=areas, electorate="council", weight_by_homes=True, is_secret=False
    )
    with pytest.raises(ValidationError):
        services.round_update(voting_round=voting_round, actor=staff, is_secret=True)


def test_editors_see_neither_ballots_nor_the_audit_log(client, staff, areas, board):
    groups_sync()
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    give_mfa(editor)
    editor = type(editor).objects.get(pk=editor.pk)
    for model in ("ballot", "ballotchoice"):
        assert not editor.has_perm(f"strategy.view_{model}"), model
    assert not editor.has_perm("activity.view_voting_actions")
    assert editor.has_perm("strategy.change_focusarea")
    voting_round = _opened(staff, areas)
    ballot = services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks=_ranks(voting_round, "Klima")
    )
    services.focus_area_set_status(focus_area=areas[1], status="summit", actor=staff)
    client.force_login(editor)
    assert client.get(reverse("admin:strategy_ballot_changelist")).status_code == 403
    assert client.get(reverse("admin:strategy_ballot_change", args=[ballot.pk])).status_code == 403
    # The action log: the editor sees the focus-area rows, not the round's rows.
    log = client.get(reverse("admin:activity_action_changelist"))
    assert log.status_code == 200
    verbs = {row.verb for row in log.context["cl"].result_list}
    assert verbs == {"focus_area.status"}
    round_log = client.get(actions_url(voting_round))
    assert round_log.context["cl"].result_count == 0
    secretariat = UserFactory(is_staff=True)
    secretariat.groups.add(Group.objects.get(name="Secretariat"))
    secretariat = type(secretariat).objects.get(pk=secretariat.pk)
    assert secretariat.has_perm("strategy.view_ballot")


def test_result_page_of_a_secret_round_lists_receipts_only(client, staff, areas, board):
    members, _substitute = board
    voting_round = _opened(staff, areas, is_secret=True)
    ballot = services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    voting_round = _close(voting_round)
    client.force_login(members[1])
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert ballot.receipt in html and members[0].get_full_name() not in html
    # The voter sees their own receipt code on the page and on their page.
    client.force_login(members[0])
    assert ballot.receipt in client.get(voting_round.get_absolute_url()).content.decode()
    assert selectors.my_votes(user=members[0])[0]["receipt"] == ballot.receipt


@pytest.mark.django_db(transaction=True)
def test_no_transaction_id_or_row_order_ties_the_newest_ballot_to_its_voter():
    """PostgreSQL stamps each row version with its transaction (xmin). Each cast rewrites all
    of the round's ballots and choices, so the newest voter's participation row shares its
    xmin with every ballot, not with one."""
    from devtools.factories.strategy import FocusAreaFactory, board_member, staff_user

    staff = staff_user()
    areas = [FocusAreaFactory(title=t) for t in ("Klima", "Ældre", "Data")]
    members = [board_member() for _ in range(3)]
    voting_round = _opened(staff, areas)
    for member, title in zip(members, ("Klima", "Data", "Ældre"), strict=True):
        services.ballot_cast(
            voting_round=voting_round, user=member, ranks=_ranks(voting_round, title)
        )  # own tx
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM strategy_ballot WHERE round_id = %s",
            [voting_round.pk],
        )
        ballot_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT DISTINCT c.xmin::text FROM strategy_ballotchoice c "
            "JOIN strategy_ballot b ON b.id = c.ballot_id WHERE b.round_id = %s",
            [voting_round.pk],
        )
        choice_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT xmin::text FROM strategy_voter WHERE round_id = %s AND has_voted ORDER BY id",
            [voting_round.pk],
        )
        voter_xmins = [row[0] for row in cursor.fetchall()]
    assert len(set(voter_xmins)) == 3  # three casts, three transactions
    assert len(ballot_xmins) == 1 and ballot_xmins == choice_xmins
