"""Memberships, affiliations and seats record who did what in the one action log (beside
simple-history's field history), and a deleted account takes its affiliations' and seats'
rows with it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from activity.admin import actions_by_url, actions_url
from activity.models import Action
from activity.selectors import actions_for
from devtools.factories.members import OrganisationFactory, SeatFactory, UserFactory
from devtools.factories.strategy import give_mfa
from members import services
from members.groups import groups_sync
from members.models import Affiliation, Seat

pytestmark = pytest.mark.django_db
D = datetime.date


def _verbs(target) -> list[str]:
    return list(
        actions_for(target=target).order_by("created_at", "id").values_list("verb", flat=True)
    )


def test_membership_change_is_recorded_with_its_dates():
    staff = UserFactory(is_staff=True)
    organisation = OrganisationFactory()
    services.organisation_membership_set(
        organisation=organisation, member_since=D(2020, 1, 1), member_until=None, actor=staff
    )
    row = actions_for(target=organisation).get()
    assert (row.verb, row.actor, row.data) == (
        "organisation.membership",
        staff,
        {"member_since": "2020-01-01", "member_until": None},
    )
    # simple-history keeps the field history beside it.
    assert organisation.history.first().history_change_reason == "membership changed"


def test_affiliation_request_confirm_and_end_are_recorded():
    person, staff = UserFactory(), UserFactory(is_staff=True)
    organisation = OrganisationFactory()
    affiliation = services.affiliation_request(
        user=person, organisation=organisation, role=Affiliation.Role.EMPLOYEE
    )
    services.affiliation_confirm(affiliation=affiliation, actor=staff)
    services.affiliation_end(affiliation=affiliation, ends_on=D(2030, 1, 1), actor=staff)
    assert _verbs(affiliation) == [
        "affiliation.created",
        "affiliation.confirmed",
        "affiliation.ended",
    ]
    rows = list(actions_for(target=affiliation).order_by("created_at", "id"))
    assert [r.actor for r in rows] == [person, staff, staff]
    assert rows[-1].data["ends_on"] == "2030-01-01" and rows[-1].data["confirmed"] is True


def test_a_withdrawn_request_keeps_its_row_and_label():
    person = UserFactory(first_name="Åse", last_name="Holm")
    affiliation = services.affiliation_request(
        user=person,
        organisation=OrganisationFactory(name="Boligen"),
        role=Affiliation.Role.EMPLOYEE,
    )
    pk = affiliation.pk
    services.affiliation_withdraw(affiliation=affiliation, user=person)
    row = Action.objects.get(verb="affiliation.withdrawn")
    assert row.target_id == str(pk) and "Boligen" in row.target_label and row.actor == person


def test_seat_create_update_and_end_are_recorded():
    staff = UserFactory(is_staff=True)
    seat = services.seat_create(
        user=UserFactory(), body=Seat.Body.BOARD, role=Seat.Role.MEMBER, starts_on=D(2024, 1, 1),
        actor=staff,
    )  # fmt: skip
    services.seat_update(seat=seat, role=Seat.Role.VICE_CHAIR, actor=staff)
    services.seat_end(seat=seat, ends_on=D(2026, 1, 1), actor=staff)
    assert _verbs(seat) == ["seat.created", "seat.updated", "seat.ended"]
    assert actions_for(target=seat).first().data["ends_on"] == "2026-01-01"


def test_deleting_an_account_deletes_its_affiliation_and_seat_rows():
    seat = SeatFactory()
    person = seat.user
    services.seat_end(seat=seat, ends_on=D(2025, 1, 1), actor=person)
    affiliation = services.affiliation_request(
        user=person, organisation=OrganisationFactory(), role=Affiliation.Role.EMPLOYEE
    )
    other = services.seat_create(
        user=UserFactory(), body=Seat.Body.BOARD, role=Seat.Role.MEMBER, starts_on=D(2024, 1, 1),
        actor=person,
    )  # fmt: skip
    services.user_delete(user=person)
    assert not actions_for(target=seat).exists()
    assert not actions_for(target=affiliation).exists()
    # What the person did to someone else's seat stays, without them.
    assert actions_for(target=other).get().actor is None


def test_organisation_and_user_change_pages_link_to_their_actions(client):
    groups_sync()
    secretariat = UserFactory(is_staff=True)
    secretariat.groups.add(Group.objects.get(name="Secretariat"))
    give_mfa(secretariat)
    organisation = OrganisationFactory()
    services.organisation_membership_set(
        organisation=organisation, member_since=D(2020, 1, 1), member_until=None,
        actor=secretariat,
    )  # fmt: skip
    client.force_login(secretariat)
    page = client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))
    assert actions_url(organisation).replace("&", "&amp;") in page.content.decode()
    listing = client.get(actions_url(organisation))
    assert [row.verb for row in listing.context["cl"].result_list] == ["organisation.membership"]
    page = client.get(reverse("admin:members_user_change", args=[secretariat.pk]))
    assert actions_by_url(secretariat) in page.content.decode()
    listing = client.get(actions_by_url(secretariat))
    assert [row.actor for row in listing.context["cl"].result_list] == [secretariat]
