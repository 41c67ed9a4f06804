"""Issue 16 on the pages and in the admin: "Luk nu" with its confirmation, the closing time in
the admin, the ballot's choices, the result's winners and methods, the quorum against the
electorate; and the small things (empty pledge form, status history, the search year)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.services import record
from devtools.factories.strategy import (
    AffiliationFactory,
    FocusAreaFactory,
    OrganisationFactory,
    SummitFactory,
    make_round,
)
from search.index import index_object
from search.models import SearchDocument
from strategy import selectors, services
from strategy.models import Ballot, FocusArea, Pledge, VotingRound

from .test_admin import _round_data

pytestmark = pytest.mark.django_db


def _opened(staff, areas, **fields):
    return services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas, **fields), actor=staff
    )


def _vote(client, voting_round, user, *titles):
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    client.force_login(user)
    data = {f"rank_{items[t]}": str(n) for n, t in enumerate(titles, start=1)}
    assert client.post(voting_round.get_absolute_url(), data).status_code == 302


# --- "Luk nu" in the admin ------------------------------------------------------------------


def test_close_now_in_the_admin_asks_first_then_closes_and_counts(client, staff, areas, board):
    voting_round = _opened(staff, areas)
    _vote(client, voting_round, board[0][0], "Klima", "Data")
    client.force_login(staff)
    changelist = reverse("admin:strategy_votinground_changelist")
    page = client.get(changelist).content.decode()
    assert page.index("Åbn:") < page.index("Luk nu")  # offered right after "Åbn"
    data = {"action": "close_now", "_selected_action": [voting_round.pk]}
    response = client.post(changelist, data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="rounds-to-close"' in html
    assert "1 af 3 stemmeberettigede har stemt" in html and "Ja, luk nu" in html
    voting_round.refresh_from_db()
    assert not voting_round.is_counted  # asked, nothing done yet
    response = client.post(changelist, {**data, "post": "yes"}, follow=True)
    assert "er lukket og optalt" in response.content.decode()
    voting_round.refresh_from_db()
    assert voting_round.is_counted and voting_round.outcome == VotingRound.Outcome.VALID


def test_close_now_in_the_admin_says_why_it_refuses(client, staff, areas):
    draft = make_round(staff=staff, focus_areas=areas)
    client.force_login(staff)
    response = client.post(
        reverse("admin:strategy_votinground_changelist"),
        {"action": "close_now", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    assert "Runden er ikke åbnet" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_counted


def test_close_now_needs_the_right_to_change_rounds(client, staff, areas, board):
    from .test_rights import _in_group

    voting_round = _opened(staff, areas)
    client.force_login(_in_group("Event managers"))
    response = client.post(
        reverse("admin:strategy_votinground_changelist"),
        {"action": "close_now", "_selected_action": [voting_round.pk], "post": "yes"},
    )
    assert response.status_code == 403
    voting_round.refresh_from_db()
    assert not voting_round.is_counted


def test_the_admin_opens_with_a_message_about_the_public_status_and_the_mail(
    client, staff, areas, board
):
    voting_round = make_round(staff=staff, focus_areas=areas)
    client.force_login(staff)
    response = client.post(
        reverse("admin:strategy_votinground_changelist"),
        {"action": "open_rounds", "_selected_action": [voting_round.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "3 fokusområder står nu som “På en stemmeseddel”" in html
    assert "3 stemmeberettigede har fået en mail" in html


def test_the_admin_moves_an_open_rounds_closing_time_until_the_first_ballot(
    client, staff, areas, board
):
    voting_round = _opened(staff, areas)
    url = reverse("admin:strategy_votinground_change", args=[voting_round.pk])
    new_close = timezone.localtime(voting_round.closes_at + datetime.timedelta(days=3))
    opens = timezone.localtime(voting_round.opens_at)
    fields = {
        "title": voting_round.title,
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": new_close.strftime("%Y-%m-%d"),
        "closes_at_1": new_close.strftime("%H:%M:%S"),
    }
    client.force_login(staff)
    response = client.post(url, _round_data(voting_round, **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    voting_round.refresh_from_db()
    assert voting_round.closes_at == new_close.replace(microsecond=0)
    # In the past: refused with a pointer to "Luk nu".
    past = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        url,
        _round_data(
            voting_round,
            **{
                **fields,
                "closes_at_0": past.strftime("%Y-%m-%d"),
                "closes_at_1": past.strftime("%H:%M:%S"),
            },
        ),
    )
    assert response.status_code == 200 and "Luk nu" in response.content.decode()
    # After the first ballot the closing time is read-only.
    _vote(client, voting_round, board[0][0], "Klima")
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert 'name="closes_at_0"' not in page


def test_the_admin_offers_only_what_the_board_may_prioritise(client, staff, areas):
    FocusAreaFactory(title="Venter", moderation=FocusArea.Moderation.PENDING)
    FocusAreaFactory(title="Allerede prioriteret", status=FocusArea.Status.PRIORITISED)
    client.force_login(staff)
    response = client.get(reverse("admin:strategy_votinground_add"))
    choices = {str(a) for a in response.context["adminform"].form.fields["focus_areas"].queryset}
    assert choices == {"Klima", "Ældre", "Data"}


# --- The round's page -----------------------------------------------------------------------


def test_the_round_page_shows_the_quorum_against_the_electorate(client, staff, areas, board):
    draft = make_round(staff=staff, focus_areas=areas, quorum=2)
    voting_round = _opened(staff, areas, quorum=2)
    client.force_login(board[0][0])
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert "Beslutningsdygtig" in html
    assert "2 af 3 stemmeberettigede skal afgive stemme" in html
    client.force_login(staff)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "de stemmeberettigede ligger fast, når runden åbner" in html


def test_the_result_marks_the_winners_and_explains_the_methods(client, staff, areas, board):
    members, _substitute = board
    voting_round = _opened(staff, areas)
    _vote(client, voting_round, members[0], "Klima", "Data", "Ældre")
    _vote(client, voting_round, members[1], "Klima", "Ældre", "Data")
    services.round_close_now(voting_round=voting_round, actor=staff)
    client.force_login(members[2])
    html = client.get(voting_round.get_absolute_url()).content.decode()
    table = html.split('id="result-table"')[1].split("</table>")[0]
    assert table.count('class="table-success winner"') == 1
    winner_row = table.split('class="table-success winner"')[1].split("</tr>")[0]
    assert "Klima" in winner_row and "Vinder" in winner_row
    assert "Schulze-metoden afgør rækkefølgen" in html
    assert "Borda-pointene står ved siden af" in html
    assert "Runden var beslutningsdygtig ved 1 af 3." in html


def test_a_round_below_quorum_has_no_winner(client, staff, areas, board):
    voting_round = _opened(staff, areas, quorum=3)
    _vote(client, voting_round, board[0][0], "Klima")
    services.round_close_now(voting_round=voting_round, actor=staff)
    result = selectors.round_result(voting_round=VotingRound.objects.get(pk=voting_round.pk))
    assert not result["valid"] and not any(row["is_winner"] for row in result["rows"])


def test_an_approval_result_explains_itself_and_marks_the_most_votes(client, staff, areas, board):
    voting_round = _opened(staff, areas, method="approval", max_choices=2)
    ids = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    for user, picks in ((board[0][0], ["Data", "Klima"]), (board[0][1], ["Data"])):
        client.force_login(user)
        client.post(voting_round.get_absolute_url(), {"item": [ids[t] for t in picks]})
    assert Ballot.objects.count() == 2
    services.round_close_now(voting_round=voting_round, actor=staff)
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert "Hvert kryds tæller som én stemme" in html
    winner_row = html.split('class="table-success winner"')[1].split("</tr>")[0]
    assert "Data" in winner_row


# --- Small things ---------------------------------------------------------------------------


def test_the_pledge_form_starts_empty_and_refuses_no_assessment(client):
    area = FocusAreaFactory()
    summit = SummitFactory()
    affiliation = AffiliationFactory(organisation=OrganisationFactory(kind="financial"))
    client.force_login(affiliation.user)
    url = reverse("strategy:pledge", args=[area.slug])
    form = client.get(url).context["form"]
    assert form["assessment"].value() in (None, "")
    html = client.get(url).content.decode()
    select = html.split('name="assessment"')[1].split("</select>")[0]
    assert 'value="" selected' in select and select.count("selected") == 1
    response = client.post(url, {"summit": summit.pk, "organisation": affiliation.organisation.pk})
    assert response.status_code == 400 and "Vælg jeres vurdering." in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_status_history_does_not_repeat_the_status(client, staff):
    member = AffiliationFactory().user
    area = services.focus_area_propose(user=member, title="Grønne tage", problem="Tagene")
    services.focus_area_moderate(focus_area=area, actor=staff, approve=True)
    # A row written before the fix, with the label as its note.
    record(member, "focus_area.status", area, status="proposed", note="Foreslået")
    html = client.get(area.get_absolute_url()).content.decode()
    history = html.split("Statushistorik")[1].split("</ol>")[0]
    assert "Foreslået ·" in history and "(Foreslået)" not in history
    services.focus_area_set_status(
        focus_area=area, status="consideration", actor=staff, note="Rådet bad om det"
    )
    html = client.get(area.get_absolute_url()).content.decode()
    assert "(Rådet bad om det)" in html


def test_the_search_year_of_a_focus_area_is_the_year_it_was_proposed(staff):
    proposed = timezone.make_aware(datetime.datetime(2022, 10, 1, 12, 0))
    area = FocusArea(
        title="Klimatilpasning", slug="klimatilpasning", problem="Skybrud", proposed_at=proposed
    )
    services.focus_area_create(focus_area=area, actor=staff)
    index_object(area)
    document = SearchDocument.objects.get(kind="focusarea")
    assert document.year == 2022
    assert area.created_at.year != 2022  # the row itself is new
