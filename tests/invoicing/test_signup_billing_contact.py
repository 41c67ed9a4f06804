"""A paid sign-up also collects the invoice's contact address and shows which organisation
is invoiced; the form pre-fills from the same organisation the service invoices."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events import services as event_services
from events.forms import SignupForm
from events.models import Registration

from .conftest import ean

pytestmark = pytest.mark.django_db


def test_the_form_pre_fills_the_invoice_email_and_names_the_organisation(
    organisation, representative
):
    form = SignupForm(event=EventFactory(), user=representative)
    assert form.fields["billing_email"].initial == "faktura@vest.example.dk"
    assert "Boligforeningen Vest" in str(form.fields["billing_ean"].help_text)


def test_without_an_organisation_the_invoice_goes_to_the_persons_address():
    person = UserFactory(email="egen@example.dk")
    form = SignupForm(event=EventFactory(), user=person)
    assert form.fields["billing_email"].initial == "egen@example.dk"
    # Left empty, the invoice still goes to the person's own address (invoicing's fallback).
    registration = event_services.event_signup(event=EventFactory(), user=person, answers={})
    assert registration.billing_email == ""


def test_with_two_organisations_the_member_one_is_chosen_and_pre_filled():
    person = UserFactory()
    AffiliationFactory(
        user=person,
        organisation=OrganisationFactory(name="A-partner", member_since=None, ean=""),
    )
    member = OrganisationFactory(
        name="B-medlem",
        member_since=datetime.date(2010, 1, 1),
        ean=ean("579800000002"),
        invoice_contact_email="b@example.dk",
    )
    AffiliationFactory(user=person, organisation=member)
    form = SignupForm(event=EventFactory(), user=person)
    assert form.fields["organisation"].initial == member
    assert form.fields["billing_ean"].initial == member.ean
    assert form.fields["billing_email"].initial == "b@example.dk"
    registration = event_services.event_signup(event=EventFactory(), user=person, answers={})
    assert registration.organisation == member and registration.billing_email == "b@example.dk"


def test_the_page_stores_the_invoice_email_given(client, representative):
    event = EventFactory()
    client.force_login(representative)
    assert 'name="billing_email"' in client.get(event.get_absolute_url()).content.decode()
    response = client.post(
        reverse("events:signup", args=[event.slug]), {"billing_email": "bogholder@vest.dk"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event, user=representative)
    assert registration.billing_email == "bogholder@vest.dk"


def test_a_bad_invoice_email_is_a_form_error_not_a_crash(client, representative):
    event = EventFactory()
    client.force_login(representative)
    response = client.post(reverse("events:signup", args=[event.slug]), {"billing_email": "nej"})
    assert response.status_code == 400
    assert not Registration.objects.filter(event=event).exists()
    with pytest.raises(ValidationError):
        event_services.event_signup(
            event=event, user=representative, answers={"billing_email": "nej"}
        )


def test_the_invoice_goes_to_the_email_given_at_sign_up(organisation, representative):
    from invoicing.models import SellerSettings
    from invoicing.services import _draft_for

    registration = event_services.event_signup(
        event=EventFactory(),
        user=representative,
        answers={"billing_email": "bogholder@vest.dk"},
    )
    invoice = _draft_for(
        event=registration.event, registrations=[registration], seller=SellerSettings.load()
    )
    assert invoice.buyer_email == "bogholder@vest.dk"
