"""Sign-up collects what the invoice needs for a paid seat (events' form and service),
pre-filled from the organisation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from events import services as event_services
from events.forms import SignupForm
from events.models import Registration

from .conftest import ean

pytestmark = pytest.mark.django_db


def test_paid_event_form_is_pre_filled_from_the_organisation(organisation, representative):
    form = SignupForm(event=EventFactory(), user=representative)
    assert form.fields["billing_ean"].initial == organisation.ean
    assert form.fields["billing_reference"].initial == "Kreditor Vest"
    assert "requisition_number" in form.fields


def test_free_event_form_asks_nothing_about_invoices(representative):
    form = SignupForm(event=EventFactory(member_price=0, non_member_price=0), user=representative)
    assert not set(SignupForm.BILLING_FIELDS) & set(form.fields)


def test_sign_up_page_stores_the_requisition_number(client, organisation, representative):
    event = EventFactory()
    client.force_login(representative)
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'name="requisition_number"' in page and organisation.ean in page
    other_ean = ean("579800000777")
    response = client.post(
        reverse("events:signup", args=[event.slug]),
        {"billing_ean": other_ean, "requisition_number": "REK-9", "billing_reference": "Anne"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event, user=representative)
    assert registration.billing_ean == other_ean
    assert registration.requisition_number == "REK-9"
    assert registration.billing_reference == "Anne"


def test_a_wrong_ean_is_a_form_error_not_a_crash(client, representative):
    event = EventFactory()
    client.force_login(representative)
    response = client.post(
        reverse("events:signup", args=[event.slug]), {"billing_ean": "5798000000000"}
    )
    assert response.status_code == 400
    assert "EAN" in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_service_falls_back_to_the_organisations_details(organisation, representative):
    registration = event_services.event_signup(event=EventFactory(), user=representative)
    assert registration.billing_ean == organisation.ean
    assert registration.billing_reference == "Kreditor Vest"
    with pytest.raises(ValidationError):
        event_services.event_signup(
            event=EventFactory(), user=UserFactory(), answers={"billing_ean": "123"}
        )


def test_free_seat_stores_no_invoice_details(representative):
    event = EventFactory(member_price=0, non_member_price=0)
    registration = event_services.event_signup(
        event=event, user=representative, answers={"requisition_number": "REK-1"}
    )
    assert registration.billing_ean == "" and registration.requisition_number == ""
