"""The one action log: record() and its fixed verbs, the generic target, the admin of the log,
the "Handlinger" link on change pages, and who may see the voting rows."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from activity.admin import actions_url
from activity.models import Action
from activity.selectors import actions_for
from activity.services import record
from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import UserFactory
from devtools.factories.strategy import give_mfa
from events import services as event_services
from members.groups import groups_sync

pytestmark = pytest.mark.django_db


def test_record_refuses_an_unknown_verb():
    with pytest.raises(ValueError, match="Unknown action verb"):
        record(None, "registration.teleported", None)
    assert not Action.objects.exists()


def test_record_keeps_the_target_generically_and_its_label_after_deletion():
    user = UserFactory()
    event = EventFactory(title="Årsmøde")
    action = record(user, "event.capacity_changed", event, capacity=3, previous=5)
    assert action.target_type.model_class() is type(event)
    assert action.target_id == str(event.pk) and action.target_label == "Årsmøde"
    assert (action.actor, action.data) == (user, {"capacity": 3, "previous": 5})
    assert list(actions_for(target=event)) == [action]
    event.delete()
    action.refresh_from_db()
    assert action.target_label == "Årsmøde" and action.verb == "event.capacity_changed"


def test_the_system_is_an_empty_actor_and_data_is_stored_as_json():
    import datetime

    from django.contrib.auth.models import AnonymousUser

    action = record(AnonymousUser(), "round.created", None, on=datetime.date(2026, 12, 1))
    assert action.actor is None and action.data == {"on": "2026-12-01"}


def test_the_client_address_of_a_request_is_recorded(client):
    """A sign-up through the site records the client's address (REMOTE_ADDR, which
    almennet.client_address has set from the proxy headers)."""
    from devtools.factories.members import AffiliationFactory

    member = AffiliationFactory().user
    event = EventFactory()
    client.force_login(member)
    client.post(
        reverse("events:signup", kwargs={"slug": event.slug}), {}, REMOTE_ADDR="203.0.113.7"
    )
    registration = event.registrations.get(user=member)
    assert actions_for(target=registration).get().client_address == "203.0.113.7"


def test_capacity_change_records_the_event_action():
    secretary = UserFactory(is_staff=True)
    event = EventFactory(capacity=10)
    event_services.event_capacity_change(event=event, capacity=12, actor=secretary)
    action = actions_for(target=event).get()
    assert (action.verb, action.actor, action.data) == (
        "event.capacity_changed",
        secretary,
        {"previous": 10, "capacity": 12},
    )


def _staff(group: str):
    groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    give_mfa(user)
    return type(user).objects.get(pk=user.pk)


def test_the_admin_lists_filters_and_searches_the_log(client):
    secretariat = _staff("Secretariat")
    registration = RegistrationFactory()
    record(secretariat, "registration.approved", registration)
    record(None, "round.closed", None)
    client.force_login(secretariat)
    url = reverse("admin:activity_action_changelist")
    html = client.get(url).content.decode()
    assert "registration.approved" in html or "Registration: approved" in html
    filtered = client.get(url, {"verb": "round.closed"})
    assert filtered.status_code == 200
    assert filtered.context["cl"].result_count == 1
    system = client.get(url, {"actor": "system"})
    assert system.context["cl"].result_count == 1
    searched = client.get(url, {"q": secretariat.email})
    assert searched.context["cl"].result_count == 1
    one = client.get(actions_url(registration))
    assert [a.verb for a in one.context["cl"].result_list] == ["registration.approved"]
    assert client.get(reverse("admin:activity_action_add")).status_code == 403


def test_editors_do_not_see_the_voting_rows():
    editor = _staff("Editors")
    secretariat = _staff("Secretariat")
    assert not editor.has_perm("activity.view_voting_actions")
    assert secretariat.has_perm("activity.view_voting_actions")
    assert not _staff("Event managers").has_perm("activity.view_voting_actions")


def test_editors_get_no_voting_rows_through_the_admin(client):
    editor = _staff("Editors")
    event = EventFactory()
    record(None, "event.capacity_changed", event)
    record(None, "round.opened", None, electorate=3)
    record(None, "ballot.cast", None)
    client.force_login(editor)
    response = client.get(reverse("admin:activity_action_changelist"))
    assert response.status_code == 200
    assert [a.verb for a in response.context["cl"].result_list] == ["event.capacity_changed"]
    voting = Action.objects.get(verb="round.opened")
    assert client.get(reverse("admin:activity_action_change", args=[voting.pk])).status_code != 200


def test_change_pages_link_to_the_objects_actions(client):
    secretariat = _staff("Secretariat")
    registration = RegistrationFactory()
    client.force_login(secretariat)
    for url in (
        reverse("admin:events_event_change", args=[registration.event.pk]),
        reverse("admin:events_registration_change", args=[registration.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Handlinger" in html or "Actions" in html, url
    html = client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert actions_url(registration).replace("&", "&amp;") in html.content.decode()


def test_focus_area_page_shows_its_dated_history_from_the_log(client):
    from devtools.factories.strategy import FocusAreaFactory
    from strategy import services as strategy_services
    from strategy.models import FocusArea

    staff = _staff("Secretariat")
    area = FocusAreaFactory(status=FocusArea.Status.CONSIDERATION)
    strategy_services.focus_area_set_status(
        focus_area=area, status="summit", actor=staff, note="til topmødet"
    )
    html = client.get(area.get_absolute_url()).content.decode()
    assert str(FocusArea.Status.SUMMIT.label) in html and "(til topmødet)" in html


def test_voting_round_change_page_links_to_its_actions(client):
    from devtools.factories.strategy import FocusAreaFactory, make_round
    from strategy import services as strategy_services

    staff = _staff("Secretariat")
    round_ = make_round(staff=staff, focus_areas=[FocusAreaFactory(), FocusAreaFactory()])
    strategy_services.round_update(voting_round=round_, actor=staff, title="Ny titel")
    client.force_login(staff)
    html = client.get(reverse("admin:strategy_votinground_change", args=[round_.pk]))
    assert actions_url(round_).replace("&", "&amp;") in html.content.decode()
    listing = client.get(actions_url(round_))
    verbs = [row.verb for row in listing.context["cl"].result_list]
    assert "round.updated" in verbs and "round.created" in verbs
