"""Every strategy action, seen and posted, for each staff group of members/groups.py, a member
and the board (issue 12, finding 3: strategy rights come from model permissions, not from
is_staff). Staff users here have TOTP, as the admin requires."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from members.groups import GROUP_PERMISSIONS

from .world import LOGIN_PATH, totp_activate

pytestmark = pytest.mark.django_db

GROUP_ROLES = {"Secretariat": "secretariat", "Editors": "editor", "Event managers": "events"}
PEOPLE = ("secretariat", "editor", "events", "member", "board")
LOGIN = "login"


def test_the_matrix_covers_every_staff_group():
    assert set(GROUP_ROLES) == set(GROUP_PERMISSIONS)


@pytest.fixture
def strategy_world(world):
    from devtools.factories.members import UserFactory
    from devtools.factories.strategy import FocusAreaFactory, make_round
    from strategy import services
    from strategy.models import VotingRound

    for group, role in GROUP_ROLES.items():
        if role in world.users:
            continue
        user = UserFactory(email=f"{role}@example.dk", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        totp_activate(user)
        world.users[role] = user
    staff = world.users["superuser"]
    areas = [FocusAreaFactory(), FocusAreaFactory()]
    world.objects["draft_round"] = make_round(staff=staff, focus_areas=areas, title="Udkast")
    counted = services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas, title="Talt op"), actor=staff
    )
    item = counted.items.first()
    services.ballot_cast(voting_round=counted, user=world.users["board"], ranks={item.pk: 1})
    VotingRound.objects.filter(pk=counted.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    counted.refresh_from_db()
    world.objects["counted_round"] = services.round_close(voting_round=counted)
    world.objects["counted_item"] = item
    world.objects["pending_area"] = FocusAreaFactory(moderation="pending", title="Afventer")
    return world


def _status(response):
    if response.status_code in (301, 302) and LOGIN_PATH.search(response.get("Location", "")):
        return LOGIN
    return response.status_code


def _page(name, obj):
    return reverse(name, args=[obj.pk])


EXPECTED_GET = {
    # name, sample object -> {person: status}
    ("strategy:votes", None): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": 403,
        "board": 200,
    },
    ("strategy:vote_detail", "voting_round"): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": 403,
        "board": 200,
    },
    ("strategy:vote_detail", "draft_round"): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": 403,
        "board": 403,
    },
    ("strategy:vote_detail", "counted_round"): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": 403,
        "board": 200,
    },
    ("strategy:confirm_priorities", "counted_round"): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": LOGIN,
        "board": LOGIN,
    },
    ("strategy:focus_area", "pending_area"): {
        "secretariat": 200,
        "editor": 200,
        "events": 404,
        "member": 404,
        "board": 404,
    },
    ("admin:strategy_votinground_changelist", None): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": LOGIN,
        "board": LOGIN,
    },
    ("admin:strategy_ballot_changelist", None): {
        "secretariat": 200,
        "editor": 403,
        "events": 403,
        "member": LOGIN,
        "board": LOGIN,
    },
    # The one action log: staff with view rights open it; voting rows are filtered out for
    # those without activity.view_voting_actions (tests/activity).
    ("admin:activity_action_changelist", None): {
        "secretariat": 200,
        "editor": 200,
        "events": 200,
        "member": LOGIN,
        "board": LOGIN,
    },
    ("admin:strategy_focusarea_changelist", None): {
        "secretariat": 200,
        "editor": 200,
        "events": 403,
        "member": LOGIN,
        "board": LOGIN,
    },
}


def _url(world, name, key):
    if key is None:
        return reverse(name)
    obj = world.objects[key]
    if name == "strategy:focus_area":
        return reverse(name, kwargs={"slug": obj.slug})
    return _page(name, obj)


def test_every_strategy_page_for_each_staff_group_a_member_and_the_board(strategy_world):
    world = strategy_world
    problems = []
    for (name, key), expected in EXPECTED_GET.items():
        url = _url(world, name, key)
        for person in PEOPLE:
            got = _status(world.client_for(person).get(url))
            if got != expected[person]:
                problems.append(
                    f"GET {url} ({name}, {key}) as {person}: {got}, not {expected[person]}"
                )
    assert not problems, "\n".join(problems)


def test_only_the_permission_confirms_priorities(strategy_world, monkeypatch):
    from activity.models import Action

    world = strategy_world
    mails = []
    monkeypatch.setattr("strategy.mail._message_queue", lambda: lambda **kw: mails.append(kw))
    voting_round, item = world.objects["counted_round"], world.objects["counted_item"]
    url = reverse("strategy:confirm_priorities", args=[voting_round.pk])
    data = {"focus_areas": [item.focus_area_id]}
    for person in ("events", "member", "board"):
        assert _status(world.client_for(person).post(url, data)) in (403, LOGIN), person
    voting_round.refresh_from_db()
    item.focus_area.refresh_from_db()
    assert voting_round.priorities_confirmed_at is None and item.focus_area.status == "ballot"
    assert not Action.objects.filter(verb="round.priorities_confirmed").exists()
    assert mails == []
    # The admin action is not offered to them either: they do not reach the change list.
    admin_post = {"action": "confirm_priorities", "_selected_action": [voting_round.pk]}
    changelist = reverse("admin:strategy_votinground_changelist")
    assert _status(world.client_for("events").post(changelist, admin_post)) == 403
    response = world.client_for("secretariat").post(url, data)
    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert voting_round.priorities_confirmed_at is not None


def test_only_the_electorate_posts_a_ballot_and_no_staff_group_opens_a_round(strategy_world):
    from strategy.models import Ballot, VotingRound

    world = strategy_world
    voting_round = world.objects["voting_round"]
    item = voting_round.items.first()
    url = reverse("strategy:vote_detail", args=[voting_round.pk])
    before = list(
        Ballot.objects.filter(round=voting_round).values_list("pk", "receipt")
    )  # the board's
    for person in ("secretariat", "editor", "events", "member"):
        response = world.client_for(person).post(url, {f"rank_{item.pk}": "1"})
        assert _status(response) in (403, LOGIN), person
    assert list(Ballot.objects.filter(round=voting_round).values_list("pk", "receipt")) == before
    assert world.client_for("board").post(url, {f"rank_{item.pk}": "1"}).status_code == 302
    assert Ballot.objects.filter(round=voting_round).count() == 1
    draft = world.objects["draft_round"]
    changelist = reverse("admin:strategy_votinground_changelist")
    opening = {"action": "open_rounds", "_selected_action": [draft.pk]}
    assert _status(world.client_for("events").post(changelist, opening)) == 403
    assert _status(world.client_for("member").post(changelist, opening)) == LOGIN
    assert VotingRound.objects.get(pk=draft.pk).opened_at is None


def test_moderation_needs_the_strategy_right(strategy_world):
    from strategy.models import FocusArea

    world = strategy_world
    area = world.objects["pending_area"]
    changelist = reverse("admin:strategy_focusarea_changelist")
    approve = {"action": "approve", "_selected_action": [area.pk]}
    assert _status(world.client_for("events").post(changelist, approve)) == 403
    assert FocusArea.objects.get(pk=area.pk).moderation == "pending"
    assert world.client_for("editor").post(changelist, approve).status_code == 302
    assert FocusArea.objects.get(pk=area.pk).moderation == "approved"
