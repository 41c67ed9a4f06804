"""UBL 2.1 invoices and credit notes following PEPPOL BIS Billing 3.0, which NemHandel takes.

The buyer is addressed by its EAN (GLN) as EndpointID with schemeID 0088; the seller by its CVR
number (schemeID 0184, the Danish business register). Element order follows the UBL 2.1
schema, which the tests validate against (invoicing/schemas/ubl-2.1), together with the
EN 16931 and PEPPOL rules in invoicing/einvoice_rules.py.
"""

from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from .models import Invoice

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {"cac": CAC, "cbc": CBC}

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
SCHEME_GLN = "0088"
SCHEME_CVR = "0184"
INVOICE_TYPE = "380"  # commercial invoice
CREDIT_NOTE_TYPE = "381"
PAYMENT_MEANS_BANK_TRANSFER = "31"
UNIT_ONE = "C62"  # UN/ECE rec 20: "one"

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "ubl-2.1" / "maindoc"


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def tax_category(rate: Decimal) -> str:
    """S: standard rate; E: exempt (courses taught, when the settings say so)."""
    return "S" if rate > 0 else "E"


class _Builder:
    def __init__(self, root):
        self.root = root

    def cbc(self, parent, name, text, **attrs):
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", **attrs)
        element.text = str(text)
        return element

    def cac(self, parent, name):
        return etree.SubElement(parent, f"{{{CAC}}}{name}")


def invoice_ubl(*, invoice: Invoice) -> bytes:
    """The invoice or credit note as UBL 2.1 XML (UTF-8 bytes). Only for issued documents."""
    from .services import vat_breakdown

    if invoice.number is None:
        raise ValueError("A draft has no electronic invoice.")
    credit = invoice.is_credit_note
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, **NSMAP},
    )
    b = _Builder(root)
    seller = invoice.seller
    currency = invoice.currency

    def money(parent, name, value):
        return b.cbc(parent, name, _amount(value), currencyID=currency)

    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", invoice.display_number)
    b.cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if not credit:
        b.cbc(root, "DueDate", invoice.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode",
          CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)  # fmt: skip
    b.cbc(root, "Note", invoice.event.title[:300])
    b.cbc(root, "DocumentCurrencyCode", currency)
    # PEPPOL-EN16931-R003: a buyer reference or an order reference; we give what we have.
    b.cbc(root, "BuyerReference", invoice.buyer_reference or invoice.buyer_name[:100])
    if invoice.requisition_number:
        order = b.cac(root, "OrderReference")
        b.cbc(order, "ID", invoice.requisition_number)
    if credit:
        original = invoice.credited_invoice
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", original.display_number)
        b.cbc(reference, "IssueDate", original.issue_date.isoformat())

    # Seller (BG-4)
    party = b.cac(b.cac(root, "AccountingSupplierParty"), "Party")
    b.cbc(party, "EndpointID", seller["cvr"], schemeID=SCHEME_CVR)
    b.cbc(b.cac(party, "PartyName"), "Name", seller["name"])
    address = b.cac(party, "PostalAddress")
    b.cbc(address, "StreetName", seller["street"])
    b.cbc(address, "CityName", seller["city"])
    b.cbc(address, "PostalZone", seller["postcode"])
    b.cbc(b.cac(address, "Country"), "IdentificationCode", "DK")
    tax_scheme = b.cac(party, "PartyTaxScheme")
    b.cbc(tax_scheme, "CompanyID", f"DK{seller['cvr']}")
    b.cbc(b.cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    legal = b.cac(party, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", seller["name"])
    b.cbc(legal, "CompanyID", seller["cvr"], schemeID=SCHEME_CVR)
    contact = b.cac(party, "Contact")
    b.cbc(contact, "ElectronicMail", seller["email"])

    # Buyer (BG-7): the EAN is the receiver's address in NemHandel.
    party = b.cac(b.cac(root, "AccountingCustomerParty"), "Party")
    if invoice.buyer_ean:
        b.cbc(party, "EndpointID", invoice.buyer_ean, schemeID=SCHEME_GLN)
        identification = b.cac(party, "PartyIdentification")
        b.cbc(identification, "ID", invoice.buyer_ean, schemeID=SCHEME_GLN)
    b.cbc(b.cac(party, "PartyName"), "Name", invoice.buyer_name)
    address = b.cac(party, "PostalAddress")
    b.cbc(b.cac(address, "Country"), "IdentificationCode", "DK")
    legal = b.cac(party, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", invoice.buyer_name)
    if invoice.buyer_cvr:
        b.cbc(legal, "CompanyID", invoice.buyer_cvr, schemeID=SCHEME_CVR)
    if invoice.buyer_reference or invoice.buyer_email:
        contact = b.cac(party, "Contact")
        if invoice.buyer_reference:
            b.cbc(contact, "Name", invoice.buyer_reference)
        if invoice.buyer_email:
            b.cbc(contact, "ElectronicMail", invoice.buyer_email)

    # Payment (BG-16): a Danish bank transfer to registration number and account.
    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", PAYMENT_MEANS_BANK_TRANSFER)
    if credit and invoice.due_date:
        b.cbc(means, "PaymentDueDate", invoice.due_date.isoformat())
    b.cbc(means, "PaymentID", invoice.display_number)
    account = b.cac(means, "PayeeFinancialAccount")
    b.cbc(account, "ID", seller["bank_account"])
    b.cbc(account, "Name", seller["name"])
    b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", seller["bank_reg_number"])
    terms = b.cac(root, "PaymentTerms")
    b.cbc(terms, "Note", f"Netto {seller['payment_days']} dage")

    # VAT breakdown (BG-23)
    lines = list(invoice.lines.all())
    breakdown = vat_breakdown(lines)
    tax_total = b.cac(root, "TaxTotal")
    money(tax_total, "TaxAmount", invoice.vat_amount)
    for rate, base, vat in breakdown:
        subtotal = b.cac(tax_total, "TaxSubtotal")
        money(subtotal, "TaxableAmount", base)
        money(subtotal, "TaxAmount", vat)
        _tax_category(b, subtotal, "TaxCategory", rate, seller)

    totals = b.cac(root, "LegalMonetaryTotal")
    money(totals, "LineExtensionAmount", invoice.net_amount)
    money(totals, "TaxExclusiveAmount", invoice.net_amount)
    money(totals, "TaxInclusiveAmount", invoice.total_amount)
    money(totals, "PayableAmount", invoice.total_amount)

    for index, line in enumerate(lines, start=1):
        element = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(element, "ID", index)
        if line.participant:
            b.cbc(element, "Note", line.participant)
        b.cbc(element, "CreditedQuantity" if credit else "InvoicedQuantity",
              _percent(line.quantity), unitCode=UNIT_ONE)  # fmt: skip
        money(element, "LineExtensionAmount", line.net_amount)
        item = b.cac(element, "Item")
        b.cbc(item, "Name", line.description[:300])
        _tax_category(b, item, "ClassifiedTaxCategory", line.vat_rate, seller, reason=False)
        money(b.cac(element, "Price"), "PriceAmount", line.unit_price)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tax_category(b, parent, name, rate, seller, reason=True):
    category = b.cac(parent, name)
    code = tax_category(rate)
    b.cbc(category, "ID", code)
    b.cbc(category, "Percent", _percent(rate))
    if code == "E" and reason:
        b.cbc(category, "TaxExemptionReason", seller.get("vat_exemption_reason") or "Exempt")
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


@cache
def ubl_schema(kind: str) -> etree.XMLSchema:
    """The OASIS UBL 2.1 schema for 'Invoice' or 'CreditNote', parsed once per process."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"UBL-{kind}-2.1.xsd")))


def ubl_schema_errors(xml: bytes) -> list[str]:
    document = etree.fromstring(xml)
    kind = etree.QName(document).localname
    schema = ubl_schema(kind)
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
