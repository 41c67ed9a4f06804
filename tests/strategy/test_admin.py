"""The strategy admin saves through strategy's services: no duplicate pledge, no stand-in
without a seat, only approved focus areas on a ballot, statuses along the transition table."""

import pytest
from django.urls import reverse

from activity.admin import actions_url
from activity.selectors import actions_for
from devtools.factories.strategy import (
    AffiliationFactory,
    FocusAreaFactory,
    SummitFactory,
    UserFactory,
    make_round,
)
from strategy import services
from strategy.models import FocusArea, Pledge, StandIn
from strategy.models import VotingRound as Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def _pledge_data(pledge: Pledge, **changes) -> dict:
    data = {
        "summit": pledge.summit_id,
        "focus_area": pledge.focus_area_id,
        "organisation": pledge.organisation_id,
        "person": pledge.person_id,
        "assessment": pledge.assessment,
        "comment": pledge.comment,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _pledge(areas, affiliation=None) -> Pledge:
    affiliation = affiliation or AffiliationFactory()
    return services.pledge_save(
        summit=SummitFactory(),
        focus_area=areas[0],
        organisation=affiliation.organisation,
        user=affiliation.user,
        assessment="support",
    )


def test_changing_a_pledges_organisation_changes_that_pledge_not_a_second(admin_client, areas):
    pledge = _pledge(areas)
    other = AffiliationFactory()
    url = reverse("admin:strategy_pledge_change", args=[pledge.pk])
    response = admin_client.post(
        url, _pledge_data(pledge, organisation=other.organisation_id, person=other.user_id)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Pledge.objects.count() == 1
    pledge.refresh_from_db()
    assert pledge.organisation == other.organisation and pledge.person == other.user


def test_a_pledge_cannot_be_moved_onto_another_organisations_pledge(admin_client, areas):
    first = _pledge(areas)
    affiliation = AffiliationFactory()
    second = services.pledge_save(
        summit=first.summit,
        focus_area=first.focus_area,
        organisation=affiliation.organisation,
        user=affiliation.user,
        assessment="neutral",
    )
    url = reverse("admin:strategy_pledge_change", args=[second.pk])
    response = admin_client.post(
        url, _pledge_data(second, organisation=first.organisation_id, person=first.person_id)
    )
    assert response.status_code == 200
    assert "allerede" in response.content.decode()
    second.refresh_from_db()
    assert second.organisation == affiliation.organisation


def test_a_pledge_by_someone_not_affiliated_is_a_form_error_not_a_saved_message(
    admin_client, areas
):
    affiliation = AffiliationFactory()
    response = admin_client.post(
        reverse("admin:strategy_pledge_add"),
        {
            "summit": SummitFactory().pk,
            "focus_area": areas[0].pk,
            "organisation": affiliation.organisation_id,
            "person": UserFactory().pk,
            "assessment": "support",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Pledge.objects.exists()


def _round_data(voting_round=None, **changes) -> dict:
    data = {
        "title": "Prioritering 2027",
        "description": "",
        "method": "ranked",
        "max_choices": "3",
        "quorum": "1",
        "is_secret": "on",
        "electorate": "board",
        "opens_at_0": "2027-01-10",
        "opens_at_1": "09:00",
        "closes_at_0": "2027-01-20",
        "closes_at_1": "09:00",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "stand_ins-TOTAL_FORMS": "0",
        "stand_ins-INITIAL_FORMS": "0",
        "voters-TOTAL_FORMS": "0",
        "voters-INITIAL_FORMS": "0",
    }
    if voting_round is not None:
        data["items-INITIAL_FORMS"] = data["items-TOTAL_FORMS"] = str(voting_round.items.count())
        data["stand_ins-INITIAL_FORMS"] = data["stand_ins-TOTAL_FORMS"] = str(
            voting_round.stand_ins.count()
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_round_in_the_admin_creates_it_and_its_ballot_through_the_services(
    admin_client, areas
):
    pending = FocusAreaFactory(moderation=FocusArea.Moderation.PENDING)
    response = admin_client.post(
        reverse("admin:strategy_votinground_add"),
        _round_data(focus_areas=[areas[0].pk, pending.pk]),
    )
    # An unmoderated proposal is not a choice on a ballot.
    assert response.status_code == 200
    assert "focus_areas" in response.context["adminform"].form.errors
    response = admin_client.post(
        reverse("admin:strategy_votinground_add"),
        _round_data(focus_areas=[areas[0].pk, areas[1].pk]),
    )
    assert response.status_code == 302
    voting_round = Round.objects.get()
    assert {item.focus_area for item in voting_round.items.all()} == {areas[0], areas[1]}
    assert voting_round.created_by is not None
    actions = set(actions_for(target=voting_round).values_list("verb", flat=True))
    assert {"round.created", "round.items"} <= actions


def test_a_stand_in_without_a_board_seat_is_refused_in_the_admin(admin_client, staff, areas, board):
    members, substitute = board
    voting_round = make_round(staff=staff, focus_areas=areas)
    url = reverse("admin:strategy_votinground_change", args=[voting_round.pk])
    outsider = UserFactory()
    ballot = [area.pk for area in areas]
    response = admin_client.post(
        url,
        _round_data(
            voting_round,
            title=voting_round.title,
            focus_areas=ballot,
            stand_in_substitute=outsider.pk,
            stand_in_for=members[0].pk,
        ),
    )
    assert response.status_code == 200
    assert not StandIn.objects.exists()
    response = admin_client.post(
        url,
        _round_data(
            voting_round,
            title=voting_round.title,
            focus_areas=ballot,
            stand_in_substitute=substitute.pk,
            stand_in_for=members[0].pk,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    stand_in = StandIn.objects.get()
    assert (stand_in.substitute, stand_in.stands_in_for) == (substitute, members[0])
    assert actions_for(target=voting_round, verbs=["round.stand_in"]).exists()


def test_stand_in_rows_posted_as_an_inline_are_not_saved(admin_client, staff, areas):
    voting_round = make_round(staff=staff, focus_areas=areas)
    outsider, member = UserFactory(), UserFactory()
    data = _round_data(voting_round, title=voting_round.title, focus_areas=[a.pk for a in areas])
    data |= {
        "stand_ins-TOTAL_FORMS": "1",
        "stand_ins-0-substitute": outsider.pk,
        "stand_ins-0-stands_in_for": member.pk,
    }
    response = admin_client.post(
        reverse("admin:strategy_votinground_change", args=[voting_round.pk]), data
    )
    assert response.status_code == 302
    assert not StandIn.objects.exists()


def test_an_opened_rounds_ballot_cannot_change_in_the_admin(admin_client, staff, areas, board):
    voting_round = make_round(staff=staff, focus_areas=areas[:2])
    services.round_open(voting_round=voting_round, actor=staff)
    response = admin_client.post(
        reverse("admin:strategy_votinground_change", args=[voting_round.pk]),
        _round_data(voting_round, title="Nyt navn", focus_areas=[areas[2].pk]),
    )
    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert voting_round.title == "Nyt navn"
    assert {item.focus_area for item in voting_round.items.all()} == {areas[0], areas[1]}


def _focus_area_data(area: FocusArea, **changes) -> dict:
    data = {
        "title": area.title,
        "slug": area.slug,
        "problem": area.problem,
        "why_now": "",
        "status": area.status,
        "moderation": area.moderation,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_a_focus_area_added_in_the_admin_gets_its_first_status_row(admin_client, staff):
    area = FocusArea(title="Grønne tage", slug="groenne-tage", problem="Tagene er grå.")
    area.status = FocusArea.Status.CONSIDERATION
    response = admin_client.post(
        reverse("admin:strategy_focusarea_add"),
        _focus_area_data(area),
    )
    assert response.status_code == 302, [
        formset.errors for formset in response.context["inline_admin_formsets"]
    ]
    area = FocusArea.objects.get(slug="groenne-tage")
    assert area.moderation == FocusArea.Moderation.APPROVED
    history = actions_for(target=area, verbs=["focus_area.status"])
    assert [(row.actor, row.data["status"]) for row in history] == [(staff, "consideration")]
    assert actions_for(target=area, verbs=["focus_area.created"]).get().actor == staff


def test_the_admin_moves_a_status_only_along_the_transition_table(admin_client, staff):
    area = FocusAreaFactory(status=FocusArea.Status.CONSIDERATION)
    services.focus_area_set_status(focus_area=area, status="summit", actor=staff)
    url = reverse("admin:strategy_focusarea_change", args=[area.pk])
    response = admin_client.post(url, _focus_area_data(area, status="completed"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    area.refresh_from_db()
    assert area.status == "summit"
    response = admin_client.post(url, _focus_area_data(area, status="ballot", title="Nyt navn"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    area.refresh_from_db()
    assert (area.status, area.title) == ("ballot", "Nyt navn")
    assert (
        actions_for(target=area, verbs=["focus_area.status"])
        .filter(actor=staff, data__status="ballot")
        .exists()
    )
    html = admin_client.get(url).content.decode()
    # The read-only status history (from the action log) and the link to the area's actions.
    label = str(FocusArea.Status.BALLOT.label)
    assert f"<li>{label} · " in html
    assert actions_url(area).replace("&", "&amp;") in html


def test_the_service_refuses_a_status_move_outside_the_table(staff):
    from django.core.exceptions import ValidationError

    area = FocusAreaFactory(status=FocusArea.Status.CONSIDERATION)
    with pytest.raises(ValidationError):
        services.focus_area_set_status(focus_area=area, status="completed", actor=staff)
    for status, targets in services.ALLOWED_TRANSITIONS.items():
        assert status not in targets, status
    assert set(services.ALLOWED_TRANSITIONS) == set(FocusArea.Status.values)
