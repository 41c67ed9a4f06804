"""The electronic invoices: valid against the OASIS UBL 2.1 schema and the EN 16931 / PEPPOL
BIS 3.0 business rules that invoicing/einvoice_rules.py writes out (no PyPI package ships the
official Schematron for offline use; see that module)."""

from decimal import Decimal

import pytest
from lxml import etree

from devtools.factories.members import AffiliationFactory, UserFactory
from invoicing import services
from invoicing.einvoice_rules import business_rule_errors
from invoicing.exports import InvalidEInvoice, invoice_ubl_checked, invoices_xml_zip
from invoicing.models import SellerSettings
from invoicing.ubl import CAC, CBC, invoice_ubl, ubl_schema_errors

from .conftest import late_deadline_event, sign_up

pytestmark = pytest.mark.django_db
NS = {"cac": CAC, "cbc": CBC}


@pytest.fixture
def ean_invoice(organisation, representative):
    event = late_deadline_event()
    sign_up(event, representative, requisition_number="REK-2026-44", billing_reference="Kreditor")
    sign_up(event, AffiliationFactory(organisation=organisation).user)
    return services.event_invoice(event=event).invoices[0]


def _xml(invoice) -> etree._Element:
    return etree.fromstring(invoice_ubl(invoice=invoice))


def test_invoice_passes_schema_and_rules(ean_invoice):
    xml = invoice_ubl(invoice=ean_invoice)
    assert ubl_schema_errors(xml) == []
    assert business_rule_errors(xml) == []


def test_invoice_carries_the_peppol_identifiers_and_the_ean_as_endpoint(ean_invoice, organisation):
    root = _xml(ean_invoice)
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert root.findtext("cbc:ProfileID", namespaces=NS) == (
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    )
    endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint.text == organisation.ean
    assert endpoint.get("schemeID") == "0088"
    assert root.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "REK-2026-44"
    # The second participant left the reference empty: the organisation's contact.
    assert root.findtext("cbc:BuyerReference", namespaces=NS) == "Kreditor, Kreditor Vest"
    assert root.findtext("cbc:ID", namespaces=NS) == "F000001"
    assert len(root.findall("cac:InvoiceLine", NS)) == 2
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "1250.00"


def test_credit_note_passes_and_references_the_invoice(ean_invoice):
    note = services.invoice_credit(invoice=ean_invoice)
    xml = invoice_ubl(invoice=note)
    assert ubl_schema_errors(xml) == []
    assert business_rule_errors(xml) == []
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert (
        root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS)
        == "F000001"
    )


def test_vat_exempt_course_passes_with_exemption_reason(organisation, representative):
    seller = SellerSettings.load()
    seller.course_vat_rate = Decimal("0")
    seller.save()
    course = late_deadline_event(kind="course")
    sign_up(course, representative)
    invoice = services.event_invoice(event=course).invoices[0]
    xml = invoice_ubl(invoice=invoice)
    assert ubl_schema_errors(xml) == []
    assert business_rule_errors(xml) == []
    root = etree.fromstring(xml)
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert category.findtext("cbc:ID", namespaces=NS) == "E"
    assert "momslovens" in category.findtext("cbc:TaxExemptionReason", namespaces=NS)


def _tamper(xml: bytes, path: str, value: str) -> bytes:
    root = etree.fromstring(xml)
    root.xpath(path, namespaces=NS)[0].text = value
    return etree.tostring(root)


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        ("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "999.00", "BR-CO-10"),
        ("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1.00", "BR-CO-15"),
        ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "10.00", "BR-S-08"),
        ("cac:TaxTotal/cbc:TaxAmount", "3.00", "BR-CO-14"),
        ("cac:InvoiceLine[1]/cbc:LineExtensionAmount", "7.00", "PEPPOL-EN16931-R120"),
        ("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
         "", "BR-07"),
        ("cbc:IssueDate", "", "BR-03"),
    ],
)  # fmt: skip
def test_the_rule_checks_catch_broken_invoices(ean_invoice, path, value, rule):
    broken = _tamper(invoice_ubl(invoice=ean_invoice), path, value)
    assert any(error.startswith(rule) for error in business_rule_errors(broken))


def test_the_schema_catches_misplaced_elements(ean_invoice):
    root = etree.fromstring(invoice_ubl(invoice=ean_invoice))
    root.append(root.find("cbc:ID", NS))  # ID moved to the end
    assert ubl_schema_errors(etree.tostring(root))


def test_buyer_without_ean_breaks_the_endpoint_rule_and_is_refused():
    event = late_deadline_event()
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    assert any(
        e.startswith("PEPPOL-EN16931-R010")
        for e in business_rule_errors(invoice_ubl(invoice=invoice))
    )
    with pytest.raises(InvalidEInvoice):
        invoice_ubl_checked(invoice=invoice)


def test_batch_zip_holds_one_valid_file_per_invoice(ean_invoice):
    import io
    import zipfile

    note = services.invoice_credit(invoice=ean_invoice)
    archive = zipfile.ZipFile(io.BytesIO(invoices_xml_zip(invoices=[ean_invoice, note])))
    assert sorted(archive.namelist()) == ["F000001.xml", "K000001.xml"]
    for name in archive.namelist():
        assert ubl_schema_errors(archive.read(name)) == []
