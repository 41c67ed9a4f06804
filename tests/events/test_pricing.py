"""A sign-up made while the person's affiliation request waited is re-priced when the
secretariat confirms it, or flagged to them when it has already been invoiced. members calls
events through its registry (members/registry.py), never by import."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from activity.models import Action
from devtools.factories.events import EventFactory, past_event
from devtools.factories.members import OrganisationFactory, UserFactory
from events import registry as events_registry
from events import services
from events.models import Registration
from members import registry as members_registry
from members import services as member_services
from members.models import Affiliation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True, email="events@almennet.dk")
    user.user_permissions.add(
        Permission.objects.get(codename="change_registration"),
        Permission.objects.get(codename="change_affiliation"),
    )
    return user


def _pending(user, organisation=None):
    return member_services.affiliation_request(
        user=user,
        organisation=organisation or OrganisationFactory(),
        role=Affiliation.Role.EMPLOYEE,
    )


def test_events_registers_its_hook_with_members():
    from events.pricing import registrations_reprice_for_affiliation

    assert registrations_reprice_for_affiliation in (
        members_registry.affiliation_confirmed_callbacks()
    )
    assert "invoicing" in events_registry._invoiced_checks


def test_confirming_reprices_a_pending_sign_up_to_the_member_price(staff):
    person = UserFactory()
    affiliation = _pending(person)
    event = EventFactory(member_price=500, non_member_price=900)
    registration = services.event_signup(event=event, user=person, answers={})
    assert registration.price == 900 and registration.organisation is None

    member_services.affiliation_confirm(affiliation=affiliation, actor=staff)

    registration.refresh_from_db()
    assert registration.price_category == Registration.PriceCategory.MEMBER
    assert registration.price == 500
    assert registration.organisation_id == affiliation.organisation_id
    action = Action.objects.get(verb="registration.repriced")
    assert action.actor == staff and action.data["old_price"] == "900.00"


def test_only_sign_ups_made_while_the_request_waited_and_not_yet_held_change(staff):
    person = UserFactory()
    before = services.event_signup(event=EventFactory(), user=person, answers={})
    Registration.objects.filter(pk=before.pk).update(
        created_at=before.created_at.replace(year=before.created_at.year - 1)
    )
    affiliation = _pending(person)
    held = past_event()
    old = Registration.objects.create(
        event=held, user=person, status="attended", price_category="non_member", price=900
    )
    cancelled = services.event_signup(event=EventFactory(), user=person, answers={})
    services.registration_cancel(registration=cancelled, actor=person)

    member_services.affiliation_confirm(affiliation=affiliation, actor=staff)

    for registration in (before, old, cancelled):
        registration.refresh_from_db()
        assert registration.price_category == Registration.PriceCategory.NON_MEMBER


def test_a_partner_organisation_changes_no_price(staff):
    person = UserFactory()
    partner = OrganisationFactory(kind="partner", member_since=None)
    affiliation = _pending(person, partner)
    registration = services.event_signup(event=EventFactory(), user=person, answers={})
    member_services.affiliation_confirm(affiliation=affiliation, actor=staff)
    registration.refresh_from_db()
    assert registration.price == 900


def test_an_invoiced_sign_up_is_flagged_to_the_secretariat_not_changed(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    person = UserFactory(first_name="Per", last_name="Faktura")
    affiliation = _pending(person)
    event = EventFactory(title="Kursus i drift", member_price=500, non_member_price=900)
    registration = services.event_signup(event=event, user=person, answers={})
    monkeypatch.setitem(
        events_registry._invoiced_checks, "invoicing", lambda ids: {registration.pk}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_services.affiliation_confirm(affiliation=affiliation, actor=staff)

    registration.refresh_from_db()
    assert registration.price == 900
    assert Action.objects.filter(verb="registration.price_review").count() == 1
    to_staff = [m for m in mail.outbox if m.to == ["events@almennet.dk"]]
    assert len(to_staff) == 1
    assert "Medlemspris skal udlignes: Per Faktura, Kursus i drift" in to_staff[0].subject
    assert "kreditér forskellen" in to_staff[0].body


def test_invoicing_says_which_registrations_are_invoiced():
    from invoicing.panels import registrations_invoiced

    registration = services.event_signup(event=EventFactory(), user=UserFactory(), answers={})
    assert registrations_invoiced([registration.pk]) == set()
