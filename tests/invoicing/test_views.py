"""Who sees which invoices: the organisation's representative on its page, a person their own
prices and invoice status on my page, and the files only for those who may see them."""

import pytest
from django.urls import reverse

from devtools.factories.members import AffiliationFactory, UserFactory
from invoicing import services
from invoicing.ubl import ubl_schema_errors
from members.models import Affiliation

from .conftest import late_deadline_event, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_invoice(organisation, representative):
    event = late_deadline_event(title="Temadag om renovering")
    sign_up(event, representative)
    return services.event_invoice(event=event).invoices[0]


def test_representative_sees_the_organisations_invoices_on_its_page(
    client, organisation, representative, org_invoice
):
    client.force_login(representative)
    text = client.get(organisation.get_absolute_url()).content.decode()
    assert 'data-panel="invoices"' in text
    assert "F000001" in text and "Temadag om renovering" in text
    assert reverse("invoicing:xml", args=[org_invoice.pk]) in text


@pytest.mark.parametrize("who", ["employee", "stranger", "anonymous"])
def test_others_do_not_see_the_organisations_invoices(client, organisation, org_invoice, who):
    if who == "employee":
        user = AffiliationFactory(organisation=organisation, role=Affiliation.Role.EMPLOYEE).user
        client.force_login(user)
    elif who == "stranger":
        client.force_login(UserFactory())
    text = client.get(organisation.get_absolute_url()).content.decode()
    assert 'data-panel="invoices"' not in text and "F000001" not in text


def test_representative_downloads_pdf_and_xml(client, representative, org_invoice):
    client.force_login(representative)
    pdf = client.get(reverse("invoicing:pdf", args=[org_invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xml = client.get(reverse("invoicing:xml", args=[org_invoice.pk]))
    assert xml.status_code == 200 and ubl_schema_errors(xml.content) == []


@pytest.mark.parametrize("who", ["employee", "stranger"])
def test_files_are_hidden_from_others(client, organisation, org_invoice, who):
    if who == "employee":
        user = AffiliationFactory(organisation=organisation, role=Affiliation.Role.EMPLOYEE).user
    else:
        user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("invoicing:pdf", args=[org_invoice.pk])).status_code == 404
    assert client.get(reverse("invoicing:xml", args=[org_invoice.pk])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, org_invoice):
    response = client.get(reverse("invoicing:pdf", args=[org_invoice.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_person_sees_own_prices_and_invoice_status_on_my_page(client):
    person = UserFactory()
    event = late_deadline_event(title="Kursus i byggesager")
    sign_up(event, person)
    client.force_login(person)
    text = client.get(reverse("members:me")).content.decode()
    assert 'data-panel="invoices"' in text
    assert "Kursus i byggesager" in text and "900,00" in text
    assert "Ikke faktureret endnu" in text

    invoice = services.event_invoice(event=event).invoices[0]
    text = client.get(reverse("members:me")).content.decode()
    assert "F000001" in text and "Udstedt" in text
    assert reverse("invoicing:pdf", args=[invoice.pk]) in text
    assert client.get(reverse("invoicing:pdf", args=[invoice.pk])).status_code == 200
    # A person's own invoice has no EAN: there is no XML file for it.
    assert client.get(reverse("invoicing:xml", args=[invoice.pk])).status_code == 404


def test_my_page_has_no_invoice_panel_without_paid_registrations(client):
    person = UserFactory()
    client.force_login(person)
    text = client.get(reverse("members:me")).content.decode()
    assert 'data-panel="invoices"' not in text


def test_panels_use_a_constant_number_of_queries(client, organisation, representative):
    def page_queries(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(representative)
    event = late_deadline_event()
    sign_up(event, representative)
    services.event_invoice(event=event)
    org_url, me_url = organisation.get_absolute_url(), reverse("members:me")
    few = page_queries(org_url), page_queries(me_url)
    for _ in range(4):
        other = late_deadline_event()
        sign_up(other, representative)
        sign_up(other, AffiliationFactory(organisation=organisation).user)
        services.event_invoice(event=other)
    many = page_queries(org_url), page_queries(me_url)
    assert many == few


@pytest.mark.django_db(transaction=True)
def test_an_issued_invoice_shows_on_my_page_at_once_with_the_page_cache(client, settings):
    """My page keeps the panel per person (almennet.page_cache.personal); any committed change
    to invoicing's rows moves the "invoices" version it is kept under."""
    settings.PAGE_CACHE_SECONDS = 60
    person = UserFactory()
    event = late_deadline_event(title="Kursus i byggesager")
    sign_up(event, person)
    client.force_login(person)
    assert "Ikke faktureret endnu" in client.get(reverse("members:me")).content.decode()
    services.event_invoice(event=event)
    text = client.get(reverse("members:me")).content.decode()
    assert "F000001" in text and "Udstedt" in text
