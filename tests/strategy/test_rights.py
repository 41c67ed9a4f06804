"""Strategy rights come from model permissions, not from is_staff (issue 12, finding 3)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from activity.models import Action
from activity.selectors import actions_for
from devtools.factories.strategy import (
    AffiliationFactory,
    OrganisationFactory,
    UserFactory,
    give_mfa,
    make_round,
)
from members.groups import groups_sync
from strategy import selectors, services
from strategy.models import FocusArea, VotingRound

pytestmark = pytest.mark.django_db


def _in_group(name: str):
    groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=name))
    give_mfa(user)
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


def _counted_round(staff, areas, board):
    voting_round = services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas), actor=staff
    )
    item = voting_round.items.first()
    services.ballot_cast(voting_round=voting_round, user=board[0][0], ranks={item.pk: 1})
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    voting_round.refresh_from_db()
    return services.round_close(voting_round=voting_round), item


def test_event_manager_cannot_confirm_priorities(client, staff, areas, board, mail_outbox):
    voting_round, item = _counted_round(staff, areas, board)
    AffiliationFactory(organisation=OrganisationFactory(kind="housing"), role="contact")
    manager = _in_group("Event managers")
    client.force_login(manager)
    url = reverse("strategy:confirm_priorities", args=[voting_round.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"focus_areas": [item.focus_area_id]})
    assert response.status_code == 403
    voting_round.refresh_from_db()
    item.focus_area.refresh_from_db()
    assert voting_round.priorities_confirmed_at is None
    assert item.focus_area.status == FocusArea.Status.BALLOT
    assert mail_outbox.of("priorities") == []
    assert not Action.objects.filter(verb="round.priorities_confirmed").exists()


def test_the_service_refuses_staff_without_the_permission(staff, areas, board, mail_outbox):
    voting_round, item = _counted_round(staff, areas, board)
    manager = _in_group("Event managers")
    with pytest.raises(PermissionDenied):
        services.round_confirm_priorities(
            voting_round=voting_round, actor=manager, focus_areas=[item.focus_area]
        )
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=manager,
            focus_areas=areas,
            title="x",
            opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.focus_area_moderate(focus_area=areas[0], actor=manager, approve=False)
    secretariat = _in_group("Secretariat")
    assert (
        services.round_confirm_priorities(
            voting_round=voting_round, actor=secretariat, focus_areas=[item.focus_area]
        )
        == 0
    )


def test_staff_without_strategy_rights_do_not_see_draft_rounds(client, staff, areas):
    draft = make_round(staff=staff, focus_areas=areas, title="Hemmeligt udkast")
    manager = _in_group("Event managers")
    assert not selectors.user_can_see_round(user=manager, voting_round=draft)
    assert draft not in selectors.rounds_for(user=manager)
    client.force_login(manager)
    assert client.get(draft.get_absolute_url()).status_code == 403
    assert client.get(reverse("strategy:votes")).status_code == 403
    editor = _in_group("Editors")
    assert selectors.user_can_see_round(user=editor, voting_round=draft)
    assert draft in selectors.rounds_for(user=editor)


def test_staff_proposals_skip_moderation_only_with_the_moderation_right(areas):
    manager = _in_group("Event managers")
    AffiliationFactory(user=manager)  # a member too, so that they may propose
    area = services.focus_area_propose(user=manager, title="Fra eventfolk", problem="Et problem")
    assert area.moderation == FocusArea.Moderation.PENDING
    editor = _in_group("Editors")
    area = services.focus_area_propose(user=editor, title="Fra redaktionen", problem="Et problem")
    assert area.moderation == FocusArea.Moderation.APPROVED


def test_a_self_declared_back_dated_representative_does_not_take_the_weighted_vote(staff, areas):
    """The attack of finding 5: a confirmed representative with an earlier start than the real
    one does not become the organisation's voter; the secretariat's choice does."""
    from devtools.factories.strategy import representative
    from members.models import Affiliation

    real, organisation = representative(homes=45_670)
    intruder = AffiliationFactory(
        organisation=organisation,
        role=Affiliation.Role.REPRESENTATIVE,
        starts_on=datetime.date(1990, 1, 1),
    ).user
    unchosen = OrganisationFactory(homes=999)
    AffiliationFactory(organisation=unchosen, role=Affiliation.Role.REPRESENTATIVE)
    voting_round = services.round_open(
        voting_round=make_round(
            staff=staff,
            focus_areas=areas,
            electorate="council",
            weight_by_homes=True,
            is_secret=False,
        ),
        actor=staff,
    )
    voters = list(voting_round.voters.all())
    assert [(v.user, v.organisation, v.weight) for v in voters] == [(real, organisation, 45_670)]
    assert intruder not in [v.user for v in voters]


def test_opening_a_council_round_names_organisations_without_a_chosen_voter(client, staff, areas):
    from devtools.factories.strategy import representative

    _voter, counted = representative()
    forgotten = OrganisationFactory(name="Glemt Boligselskab")
    AffiliationFactory(organisation=forgotten, role="representative")  # no council voter set
    voting_round = make_round(staff=staff, focus_areas=areas, electorate="council")
    client.force_login(staff)
    response = client.post(
        reverse("admin:strategy_votinground_changelist"),
        {"action": "open_rounds", "_selected_action": [voting_round.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 medlemsorganisationer har ingen valgt stemmeberettiget" in html
    entry = actions_for(target=voting_round, verbs=["round.opened"]).get()
    assert entry.data["without_voter"] == [forgotten.pk]
    assert list(voting_round.voters.values_list("organisation", flat=True)) == [counted.pk]


def test_the_admins_focus_area_services_need_the_focus_area_permissions():

    with pytest.raises(PermissionDenied):
        services.focus_area_create(
            focus_area=FocusArea(title="X", problem="Y"), actor=_in_group("Event managers")
        )
    area = services.focus_area_create(
        focus_area=FocusArea(title="X", problem="Y"), actor=_in_group("Secretariat")
    )
    with pytest.raises(PermissionDenied):
        services.focus_area_update(focus_area=area, actor=_in_group("Event managers"))
