import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from devtools.factories import strategy as factories
from devtools.factories.strategy import (
    AffiliationFactory,
    FocusAreaFactory,
    OrganisationFactory,
    SummitFactory,
    TrendFactory,
    UserFactory,
    board_member,
    make_round,
)
from members.models import Affiliation, Seat
from members.registry import my_page_panels, personal_data_sources
from strategy import services
from strategy.models import Ballot, Comment, FocusArea, Pledge, Trend, VotingRound

pytestmark = pytest.mark.django_db


def _opened(staff, areas, **fields):
    return services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas, **fields), actor=staff
    )


def _close(voting_round):
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    voting_round.refresh_from_db()
    return voting_round


# --- The strategy page ----------------------------------------------------------------------


def test_strategy_page_shows_strategy_ambitions_advisory_board_focus_areas_trends(client):
    from strategy.models import Ambition, Strategy

    strategy = Strategy.objects.create(title="AlmenNets strategi 2022", adopted_on="2022-06-15")
    ambition = Ambition.objects.create(number=3, title="Skue fremad", strategy=strategy)
    area = FocusAreaFactory(title="Klimarobuste boligområder", status="prioritised")
    area.ambitions.add(ambition)
    from projects.models import Project
    from strategy.models import Recommendation

    area.projects.add(
        Project.objects.create(title="Skybrudsprojektet", slug="skybrud", is_published=True),
        Project.objects.create(title="Hemmeligt udkast", slug="udkast", is_published=False),
    )
    Recommendation.objects.create(focus_area=area, title="Planlæg skybrud", status="adopted")
    Recommendation.objects.create(focus_area=area, title="Kladdeanbefaling", status="draft")
    FocusAreaFactory(title="Skjult forslag", moderation="pending")
    seat = factories.SeatFactory(
        body=Seat.Body.ADVISORY, organisation=OrganisationFactory(name="Videnscenter Ø")
    )
    factories.SeatFactory(body=Seat.Body.ADVISORY, ends_on=datetime.date(2023, 1, 1))
    TrendFactory(title="Havvandsstigning", horizon=100, impact=3)
    response = client.get(reverse("strategy:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "15. juni 2022" in html
    assert "Skue fremad" in html and "Klimarobuste boligområder" in html
    assert "Skjult forslag" not in html
    assert "Skybrudsprojektet" in html and "Hemmeligt udkast" not in html
    assert "Planlæg skybrud" in html and "Kladdeanbefaling" not in html
    assert seat.user.get_full_name() in html and "Videnscenter Ø" in html
    assert "<svg" in html and "Havvandsstigning" in html and 'id="trend-table"' in html
    assert " style=" not in html  # the CSP forbids inline styles
    # SVG numbers stay numbers in Danish too (no decimal commas)
    assert not re.search(r'\b(cx|cy|r|x|y|x2|y2)="-?[0-9]+,[0-9]', html)
    assert "De seks ambitioner" in html and "Trendradar" in html
    with translation.override("en"):
        english = client.get("/en/strategy/").content.decode()
    assert "The six ambitions" in english


def test_trend_table_scrolls_inside_its_column_on_a_phone(client):
    # Five columns with descriptions are wider than a phone: without a scrolling wrapper
    # the whole strategy page was 548 px wide at 390 px.
    TrendFactory(title="Havvandsstigning", horizon=100, impact=3)
    html = client.get(reverse("strategy:index")).content.decode()
    assert re.search(r'<div class="table-responsive">\s*<table[^>]*id="trend-table"', html)


def test_strategy_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("strategy:index")).status_code == 200
        return len(ctx.captured_queries)

    FocusAreaFactory()
    TrendFactory()
    factories.SeatFactory(body=Seat.Body.ADVISORY)
    small = count()
    for _ in range(8):
        FocusAreaFactory()
        TrendFactory()
        factories.SeatFactory(body=Seat.Body.ADVISORY)
    assert count() == small


# --- Focus areas, proposals, comments, pledges ----------------------------------------------


def test_focus_area_page_for_everyone_pending_only_for_proposer_and_staff(client, staff):
    area = FocusAreaFactory(title="Data i driften")
    assert client.get(area.get_absolute_url()).status_code == 200
    member = AffiliationFactory().user
    pending = services.focus_area_propose(user=member, title="Nyt forslag", problem="x")
    assert client.get(pending.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(pending.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(pending.get_absolute_url()).status_code == 200
    client.force_login(staff)
    assert client.get(pending.get_absolute_url()).status_code == 200


def test_propose_page_access_and_post(client):
    url = reverse("strategy:propose")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    member = AffiliationFactory().user
    client.force_login(member)
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Grønne tage", "problem": "Tagene er ubrugte."})
    area = FocusArea.objects.get(title="Grønne tage")
    assert response.status_code == 302 and area.moderation == "pending"
    assert client.post(url, {"title": "", "problem": ""}).status_code == 400


def test_members_comment_and_the_comment_is_escaped(client):
    area = FocusAreaFactory()
    url = reverse("strategy:comment", args=[area.slug])
    assert client.post(url, {"body": "hej"}).status_code == 302  # to login
    assert not Comment.objects.exists()
    client.force_login(UserFactory())
    assert client.post(url, {"body": "hej"}).status_code == 400
    client.force_login(AffiliationFactory().user)
    response = client.post(url, {"body": "<script>alert(1)</script>"}, follow=True)
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert client.get(url).status_code == 405


def test_pledge_page_and_bad_pledge(client):
    area = FocusAreaFactory()
    summit = SummitFactory()
    url = reverse("strategy:pledge", args=[area.slug])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())  # no affiliation at all
    assert client.get(url).status_code == 403
    affiliation = AffiliationFactory(organisation=OrganisationFactory(kind="financial"))
    client.force_login(affiliation.user)
    assert client.get(url).status_code == 200
    other = OrganisationFactory(kind="knowledge")
    data = {"summit": summit.pk, "assessment": "support", "practical": "on"}
    response = client.post(url, {**data, "organisation": other.pk})
    assert response.status_code == 400
    assert "aktuelt er tilknyttet" in response.content.decode()
    assert not Pledge.objects.exists()
    response = client.post(
        url,
        {
            **data,
            "organisation": affiliation.organisation.pk,
            "financial": "on",
            "amount": "250000",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.amount == Decimal("250000") and pledge.practical
    page = client.get(area.get_absolute_url()).content.decode()
    assert affiliation.organisation.name in page and "250.000 kr." in page


# --- Voting pages ---------------------------------------------------------------------------


def test_votes_list_access(client, staff, areas, board):
    url = reverse("strategy:votes")
    assert client.get(url).status_code == 302
    client.force_login(AffiliationFactory().user)
    assert client.get(url).status_code == 403
    voting_round = _opened(staff, areas, title="Bestyrelsens runde")
    client.force_login(board[0][0])
    assert "Bestyrelsens runde" in client.get(url).content.decode()
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert voting_round.get_absolute_url() in client.get(url).content.decode()


def test_vote_detail_access(client, staff, areas, board):
    voting_round = _opened(staff, areas)
    url = voting_round.get_absolute_url()
    assert client.get(url).status_code == 302
    client.force_login(AffiliationFactory().user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("strategy:vote_detail", args=[999_999])).status_code == 404
    draft = make_round(staff=staff, focus_areas=areas)
    client.force_login(board[0][0])
    assert client.get(draft.get_absolute_url()).status_code == 403
    response = client.get(url)
    assert response.status_code == 200 and 'id="ballot-form"' in response.content.decode()
    client.force_login(board[1])  # substitute, not in the electorate, still a board member
    html = client.get(url).content.decode()
    assert "ikke med i rundens vælgerkorps" in html and 'id="ballot-form"' not in html


def test_voter_without_two_factor_is_led_to_set_it_up(client, staff, areas):
    voter = board_member(mfa=False)
    voting_round = _opened(staff, areas)
    client.force_login(voter)
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert 'id="mfa-required"' in html and reverse("mfa_index") in html
    assert 'id="ballot-form"' not in html
    items = list(voting_round.items.all())
    response = client.post(voting_round.get_absolute_url(), {f"rank_{items[0].pk}": "1"})
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_ranked_ballot_through_the_page_change_and_result_after_close(client, staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas, is_secret=True)
    client.force_login(voter)
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    url = voting_round.get_absolute_url()
    response = client.post(
        url, {f"rank_{items['Data']}": "1", f"rank_{items['Klima']}": "2"}, follow=True
    )
    ballot = Ballot.objects.get()
    html = response.content.decode()
    assert ballot.receipt in html
    assert 'id="result"' not in html and 'id="results-hidden"' in html
    client.post(url, {f"rank_{items['Klima']}": "1", f"rank_{items['Ældre']}": "2"})
    assert [c.item_id for c in Ballot.objects.get().choices.order_by("rank")] == [
        items["Klima"],
        items["Ældre"],
    ]
    _close(voting_round)
    html = client.get(url).content.decode()
    assert 'id="result"' in html and 'id="pairwise"' in html and 'id="tie-break-rule"' in html
    assert ballot.receipt in html
    assert voter.get_full_name() not in html.split('id="ballots"')[1]
    assert "<svg" in html
    assert not re.search(r'\b(x|y|width|height)="-?[0-9]+,[0-9]', html)
    voting_round.refresh_from_db()
    assert voting_round.is_counted


@pytest.mark.parametrize(
    "bad",
    [
        {"rank_{a}": "1", "rank_{b}": "1"},  # duplicate rank
        {"rank_999999": "1"},  # not on the ballot
        {"rank_{a}": "x"},  # not a number
        {"rank_{a}": "9"},  # out of range
        {"rank_abc": "1"},  # not an id
        {},  # empty
    ],
)
def test_bad_ranked_posts_are_refused_with_a_message(client, staff, areas, board, bad):
    voting_round = _opened(staff, areas)
    a, b, _c = (i.pk for i in voting_round.items.all())
    client.force_login(board[0][0])
    data = {k.format(a=a, b=b): v for k, v in bad.items()}
    response = client.post(voting_round.get_absolute_url(), data)
    assert response.status_code == 400
    errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors and str(errors[0])
    assert not Ballot.objects.exists()


def test_posting_another_rounds_items_is_refused(client, staff, areas, board):
    voting_round = _opened(staff, areas[:2], title="A")
    other = _opened(staff, [FocusAreaFactory(), FocusAreaFactory()], title="B")
    client.force_login(board[0][0])
    foreign = other.items.first().pk
    response = client.post(voting_round.get_absolute_url(), {f"rank_{foreign}": "1"})
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_approval_ballot_through_the_page(client, staff, areas, board):
    voting_round = _opened(staff, areas, method="approval", max_choices=2)
    ids = [i.pk for i in voting_round.items.all()]
    client.force_login(board[0][0])
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert 'type="checkbox"' in html
    # The method names the round's own number, not the admin's placeholder "up to N".
    listing = client.get(reverse("strategy:votes")).content.decode()
    for page in (html, listing):
        assert "Godkendelse: vælg op til 2" in page and "op til N" not in page
    assert client.post(voting_round.get_absolute_url(), {"item": ids}).status_code == 400
    assert client.post(voting_round.get_absolute_url(), {"item": ids[:2]}).status_code == 302
    assert Ballot.objects.get().choices.count() == 2


def test_post_by_someone_outside_the_electorate_is_refused(client, staff, areas, board):
    voting_round = _opened(staff, areas)
    client.force_login(board[1])  # substitute
    item = voting_round.items.first().pk
    assert client.post(voting_round.get_absolute_url(), {f"rank_{item}": "1"}).status_code == 403
    assert not Ballot.objects.exists()


def test_open_ballot_result_lists_names_and_below_quorum_says_not_valid(
    client, staff, areas, board
):
    voting_round = _opened(staff, areas, is_secret=False, quorum=2)
    item = voting_round.items.first().pk
    client.force_login(board[0][0])
    client.post(voting_round.get_absolute_url(), {f"rank_{item}": "1"})
    _close(voting_round)
    html = client.get(voting_round.get_absolute_url()).content.decode()
    assert board[0][0].get_full_name() in html
    assert "alert-danger" in html  # not valid: below quorum


def test_confirm_priorities_page_is_staff_only(client, staff, areas, board, mail_outbox):
    voting_round = _opened(staff, areas)
    item = voting_round.items.first()
    client.force_login(board[0][0])
    client.post(voting_round.get_absolute_url(), {f"rank_{item.pk}": "1"})
    _close(voting_round)
    client.get(voting_round.get_absolute_url())  # counts
    url = reverse("strategy:confirm_priorities", args=[voting_round.pk])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(staff)
    assert client.get(url).status_code == 200
    AffiliationFactory(organisation=OrganisationFactory(kind="housing"), role="contact")
    response = client.post(url, {"focus_areas": [item.focus_area_id]})
    assert response.status_code == 302 and len(mail_outbox.of("priorities")) == 1
    item.focus_area.refresh_from_db()
    assert item.focus_area.status == "prioritised"


# --- Admin ----------------------------------------------------------------------------------


def test_every_strategy_admin_page_opens_for_staff(client, staff, areas, board):
    from django.contrib import admin

    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks={voting_round.items.first().pk: 1}
    )
    a = AffiliationFactory()
    services.pledge_save(
        summit=SummitFactory(),
        focus_area=areas[0],
        organisation=a.organisation,
        user=a.user,
        assessment="support",
    )
    TrendFactory()
    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "strategy":
            continue
        name = f"admin:strategy_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, model
        if model_admin.has_add_permission(type("R", (), {"user": staff})()):
            assert client.get(reverse(f"{name}_add")).status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200


def test_admin_refuses_rule_change_after_votes(client, staff, areas, board):
    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=board[0][0], ranks={voting_round.items.first().pk: 1}
    )
    client.force_login(staff)
    html = client.get(reverse("admin:strategy_votinground_change", args=[voting_round.pk])).content
    # the rule fields are read-only: no inputs for them
    assert b'name="method"' not in html and b'name="quorum"' not in html
    from strategy.admin import VotingRoundForm

    form = VotingRoundForm(
        instance=voting_round,
        data={
            "title": voting_round.title,
            "method": "approval",
            "max_choices": 3,
            "quorum": 1,
            "is_secret": "on",
            "electorate": "board",
            "opens_at_0": "2026-01-01",
            "opens_at_1": "10:00",
            "closes_at_0": "2030-01-01",
            "closes_at_1": "10:00",
        },
    )
    assert not form.is_valid()
    assert "regler" in str(form.errors)


def test_admin_open_action_fixes_the_electorate(client, staff, areas, board):
    voting_round = make_round(staff=staff, focus_areas=areas)
    client.force_login(staff)
    client.post(
        reverse("admin:strategy_votinground_changelist"),
        {"action": "open_rounds", "_selected_action": [voting_round.pk]},
    )
    voting_round.refresh_from_db()
    assert voting_round.opened_at is not None and voting_round.voters.count() == 3


# --- Registrations with members -------------------------------------------------------------


def test_my_votes_panel_and_personal_data(staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=voter, ranks={voting_round.items.first().pk: 1}
    )
    services.comment_add(focus_area=areas[0], user=AffiliationFactory(user=voter).user, body="x")
    panel = next(p for p in my_page_panels() if p.key == "strategy.my_votes")
    context = panel.context(user=voter)
    assert context["rows"][0]["receipt"] == Ballot.objects.get().receipt
    assert panel.context(user=UserFactory()) is None
    source = next(s for s in personal_data_sources() if s.key == "strategy")
    data = source.export(voter)
    json.dumps(data)
    assert data["ballots"][0]["receipt"] and data["comments"][0]["body"] == "x"
    source.erase(voter)
    assert not Comment.objects.exists()
    voter.delete()
    assert Ballot.objects.count() == 1  # the ballot stays, anonymous


def test_my_page_shows_my_votes_with_the_receipt(client, staff, areas, board):
    voter = board[0][0]
    voting_round = _opened(staff, areas, title="Min runde")
    ballot = services.ballot_cast(
        voting_round=voting_round, user=voter, ranks={voting_round.items.first().pk: 1}
    )
    client.force_login(voter)
    html = client.get(reverse("members:me")).content.decode()
    assert "Mine stemmer" in html and "Min runde" in html and ballot.receipt in html


def test_votes_list_query_count_does_not_grow(client, staff, areas, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(board[0][0])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("strategy:votes")).status_code == 200
        return len(ctx.captured_queries)

    _opened(staff, areas, title="R0")
    one = count()
    for n in range(5):
        _opened(staff, areas, title=f"R{n + 1}")
    assert count() == one


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_focus_area_page_query_count_does_not_grow(client):
    area = FocusAreaFactory()
    summit = SummitFactory()

    def add_some():
        a = AffiliationFactory(organisation=OrganisationFactory(kind="knowledge"))
        services.pledge_save(
            summit=summit,
            focus_area=area,
            organisation=a.organisation,
            user=a.user,
            assessment="support",
            theoretical=True,
        )
        services.comment_add(focus_area=area, user=a.user, body="Godt")
        area.trends.add(TrendFactory())

    add_some()
    one = _queries(client, area.get_absolute_url())
    for _ in range(5):
        add_some()
    assert _queries(client, area.get_absolute_url()) == one


def test_result_page_query_count_does_not_grow_with_ballots(client, staff, areas):
    voters = [board_member() for _ in range(6)]
    voting_round = _opened(staff, areas, is_secret=False)
    services.ballot_cast(
        voting_round=voting_round, user=voters[0], ranks={voting_round.items.first().pk: 1}
    )
    closed = _opened(staff, areas, is_secret=False, title="B")
    for voter in voters:
        services.ballot_cast(
            voting_round=closed,
            user=voter,
            ranks={i.pk: n for n, i in enumerate(closed.items.all(), 1)},
        )
    for r in (voting_round, closed):
        _close(r)
        services.round_close(voting_round=r)
    client.force_login(staff)
    assert _queries(client, voting_round.get_absolute_url()) == _queries(
        client, closed.get_absolute_url()
    )


def test_focus_area_is_registered_with_search():
    from search.registry import registrations

    assert "strategy.focusarea" in {r.model._meta.label_lower for r in registrations().values()}


# --- Demo -----------------------------------------------------------------------------------


def test_demo_is_idempotent_and_has_every_part(staff):
    import io

    from devtools.demo import strategy as demo
    from strategy.models import Ambition, Recommendation

    for _ in range(6):
        board_member()
    factories.SeatFactory(body=Seat.Body.ADVISORY)
    for kind in ("housing", "knowledge", "financial"):
        AffiliationFactory(organisation=OrganisationFactory(kind=kind))
    for _ in range(3):
        factories.representative()
    demo.seed(stdout=io.StringIO())
    counts = [
        m.objects.count()
        for m in (Ambition, Trend, FocusArea, Pledge, VotingRound, Ballot, Recommendation)
    ]
    demo.seed(stdout=io.StringIO())
    assert counts == [
        m.objects.count()
        for m in (Ambition, Trend, FocusArea, Pledge, VotingRound, Ballot, Recommendation)
    ]
    assert Ambition.objects.count() == 6
    assert "VidensHub" in Ambition.objects.get(number=1).text
    closed = VotingRound.objects.get(title__contains="2025")
    assert closed.outcome == "valid" and closed.result["ranking"]
    open_round = VotingRound.objects.exclude(pk=closed.pk).get()
    assert open_round.is_open_for_voting()
    statuses = set(FocusArea.objects.values_list("status", flat=True))
    assert {
        "proposed",
        "consideration",
        "summit",
        "ballot",
        "prioritised",
        "active",
        "not_chosen",
    } <= statuses
    assert re.match(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", Ballot.objects.first().receipt)
    assert Affiliation.objects.exists()


def test_strategy_admin_columns_are_danish(client, staff, areas, board):
    """Foreign keys without a verbose name showed "Round" and "Focus area" in the Danish
    admin (the audit log's columns, the ballot items of a voting round)."""
    from django.apps import apps
    from django.urls import reverse

    from devtools.factories.strategy import make_round
    from strategy import services

    voting_round = make_round(staff=staff, focus_areas=areas)
    services.round_open(voting_round=voting_round, actor=staff)
    client.force_login(staff)
    for url in [
        reverse("admin:activity_action_changelist"),
        reverse("admin:strategy_votinground_change", args=[voting_round.pk]),
    ]:
        text = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
        assert "Afstemningsrunde" in text or "Fokusområde" in text
        assert ">Round<" not in text and "Focus area" not in text, url
    for model in ["ballot", "ballotitem", "voter", "standin", "announcement"]:
        field = apps.get_model("strategy", model)._meta.get_field("round")
        assert str(field.verbose_name) == "afstemningsrunde", model


def test_admin_confirm_priorities_refuses_an_uncounted_round_or_several(
    client, staff, areas, board
):
    """The action opened the confirmation page for an open, uncounted round (which the service
    then refused after staff had chosen), and with two rounds selected took the first silently;
    approving proposals said nothing at all."""
    from django.urls import reverse

    from devtools.factories.strategy import make_round
    from strategy import services

    open_round = make_round(staff=staff, focus_areas=areas, title="Åben runde")
    services.round_open(voting_round=open_round, actor=staff)
    other = make_round(staff=staff, focus_areas=areas, title="Anden runde")
    client.force_login(staff)
    url = reverse("admin:strategy_votinground_changelist")
    data = {"action": "confirm_priorities", "index": "0"}
    response = client.post(url, {**data, "_selected_action": [open_round.pk]}, follow=True)
    assert response.redirect_chain[-1][0].startswith(url)
    assert "Kun en gyldig, optalt runde kan give prioriteringer." in response.content.decode()
    response = client.post(
        url, {**data, "_selected_action": [open_round.pk, other.pk]}, follow=True
    )
    assert "Vælg præcis én afstemningsrunde" in response.content.decode()

    response = client.post(
        reverse("admin:strategy_focusarea_changelist"),
        {"action": "approve", "index": "0", "_selected_action": [areas[0].pk]},
        follow=True,
    )
    assert "1 forslag godkendt." in response.content.decode()
