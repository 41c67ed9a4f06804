"""The EN 16931 and PEPPOL BIS 3.0 business rules that our invoices touch, as plain checks.

No package on PyPI ships the official Schematron rules for use without a network: the ones
that run them (eu-einvoice, eracun-hr) download the CEN and OpenPeppol artefacts at run time,
and einvoicekit calls a web service. So these are the rules written out by hand, each named by
its official identifier, for the fields and cases our documents use: mandatory fields
(BR-01..BR-16, BR-21..BR-27), the sums (BR-CO-10, BR-CO-13..BR-CO-18), the VAT breakdown for
standard rate (BR-S-*) and exempt (BR-E-*), the credit note's reference to its invoice
(BR-55), and PEPPOL's endpoint and reference rules (R003, R010, R020) and Danish rules DK-R-002
and DK-R-006. Together with the UBL 2.1 schema they are what tests/invoicing run against.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from .ubl import CAC, CBC, CUSTOMIZATION_ID, PROFILE_ID

NS = {"cac": CAC, "cbc": CBC}
CENT = Decimal("0.01")


def _d(value) -> Decimal:
    return Decimal(value.strip()) if value is not None and value.strip() else Decimal(0)


def _r(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def business_rule_errors(xml: bytes) -> list[str]:
    """The broken rules as 'RULE-ID: message', empty when the document passes."""
    root = etree.fromstring(xml)
    credit = etree.QName(root).localname == "CreditNote"
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    qty_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    errors: list[str] = []

    def text(path, node=root):
        found = node.xpath(path, namespaces=NS)
        if not found:
            return None
        value = found[0] if isinstance(found[0], str) else found[0].text
        return value.strip() if value and value.strip() else None

    def need(rule, path, what, node=root):
        if text(path, node) is None:
            errors.append(f"{rule}: {what} is missing")

    seller = "cac:AccountingSupplierParty/cac:Party"
    buyer = "cac:AccountingCustomerParty/cac:Party"
    need("BR-01", "cbc:CustomizationID", "Specification identifier")
    if text("cbc:CustomizationID") not in (None, CUSTOMIZATION_ID):
        errors.append("PEPPOL-EN16931-R004: CustomizationID is not PEPPOL BIS Billing 3.0")
    if text("cbc:ProfileID") != PROFILE_ID:
        errors.append("PEPPOL-EN16931-R001: ProfileID is missing or wrong")
    need("BR-02", "cbc:ID", "Invoice number")
    need("BR-03", "cbc:IssueDate", "Invoice issue date")
    need("BR-04", "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "Type code")
    need("BR-05", "cbc:DocumentCurrencyCode", "Invoice currency code")
    need("BR-06", f"{seller}/cac:PartyLegalEntity/cbc:RegistrationName", "Seller name")
    need("BR-07", f"{buyer}/cac:PartyLegalEntity/cbc:RegistrationName", "Buyer name")
    if not root.xpath(f"{seller}/cac:PostalAddress", namespaces=NS):
        errors.append("BR-08: Seller postal address is missing")
    country = "cac:PostalAddress/cac:Country/cbc:IdentificationCode"
    need("BR-09", f"{seller}/{country}", "Seller country")
    if not root.xpath(f"{buyer}/cac:PostalAddress", namespaces=NS):
        errors.append("BR-10: Buyer postal address is missing")
    need("BR-11", f"{buyer}/{country}", "Buyer country")
    totals = "cac:LegalMonetaryTotal"
    need("BR-12", f"{totals}/cbc:LineExtensionAmount", "Sum of invoice line net amount")
    need("BR-13", f"{totals}/cbc:TaxExclusiveAmount", "Invoice total amount without VAT")
    need("BR-14", f"{totals}/cbc:TaxInclusiveAmount", "Invoice total amount with VAT")
    need("BR-15", f"{totals}/cbc:PayableAmount", "Amount due for payment")
    lines = root.xpath(line_tag, namespaces=NS)
    if not lines:
        errors.append("BR-16: An invoice shall have at least one invoice line")
    if not (text("cbc:BuyerReference") or text("cac:OrderReference/cbc:ID")):
        errors.append("PEPPOL-EN16931-R003: Buyer reference or purchase order reference needed")
    need("PEPPOL-EN16931-R010", f"{buyer}/cbc:EndpointID", "Buyer electronic address")
    need("PEPPOL-EN16931-R020", f"{seller}/cbc:EndpointID", "Seller electronic address")
    for rule, path in (
        ("PEPPOL-EN16931-R010", f"{buyer}/cbc:EndpointID/@schemeID"),
        ("PEPPOL-EN16931-R020", f"{seller}/cbc:EndpointID/@schemeID"),
    ):
        if text(path) is None:
            errors.append(f"{rule}: Electronic address has no scheme identifier")
    if text(f"{buyer}/cbc:EndpointID/@schemeID") not in (None, "0088", "0184"):
        errors.append("PEPPOL-EN16931-R010: Buyer endpoint is neither a GLN nor a CVR number")
    if credit:
        need("BR-55", "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
             "Preceding invoice reference")  # fmt: skip
    elif not text("cbc:DueDate") and not text("cac:PaymentTerms/cbc:Note"):
        errors.append("BR-CO-25: A positive amount due needs a due date or payment terms")
    # Danish suppliers (PEPPOL BIS 3.0 national rules)
    if text(f"{seller}/cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "DK":
        if text(f"{seller}/cac:PartyLegalEntity/cbc:CompanyID/@schemeID") != "0184":
            errors.append("DK-R-002: Danish suppliers must give their CVR number (scheme 0184)")
        for means in root.xpath("cac:PaymentMeans", namespaces=NS):
            if text("cbc:PaymentMeansCode", means) in ("31", "42") and not (
                text("cac:PayeeFinancialAccount/cbc:ID", means)
                and text("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID", means)
            ):
                errors.append("DK-R-006: Bank account and registration number are mandatory")

    # Lines: BR-21..BR-27 and the sums per VAT category and rate.
    line_sum = Decimal(0)
    by_category: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in lines:
        need("BR-21", "cbc:ID", "Invoice line identifier", line)
        need("BR-22", qty_tag, "Invoiced quantity", line)
        need("BR-23", f"{qty_tag}/@unitCode", "Invoiced quantity unit of measure", line)
        need("BR-24", "cbc:LineExtensionAmount", "Invoice line net amount", line)
        need("BR-25", "cac:Item/cbc:Name", "Item name", line)
        need("BR-26", "cac:Price/cbc:PriceAmount", "Item net price", line)
        if _d(text("cac:Price/cbc:PriceAmount", line)) < 0:
            errors.append("BR-27: The item net price shall not be negative")
        category = text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", line)
        if category is None:
            errors.append("BR-CO-04: Each invoice line shall be categorised with a VAT code")
            continue
        rate = _d(text("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", line))
        amount = _d(text("cbc:LineExtensionAmount", line))
        quantity = _d(text(qty_tag, line))
        price = _d(text("cac:Price/cbc:PriceAmount", line))
        if _r(quantity * price) != amount:
            errors.append("PEPPOL-EN16931-R120: Line net amount is not quantity × price")
        if category == "S" and rate <= 0:
            errors.append("BR-S-05: A standard rated line shall have a VAT rate above zero")
        if category == "E" and rate != 0:
            errors.append("BR-E-05: An exempt line shall have a VAT rate of 0")
        line_sum += amount
        by_category[(category, rate)] += amount

    line_extension = _d(text(f"{totals}/cbc:LineExtensionAmount"))
    tax_exclusive = _d(text(f"{totals}/cbc:TaxExclusiveAmount"))
    tax_inclusive = _d(text(f"{totals}/cbc:TaxInclusiveAmount"))
    payable = _d(text(f"{totals}/cbc:PayableAmount"))
    prepaid = _d(text(f"{totals}/cbc:PrepaidAmount"))
    rounding = _d(text(f"{totals}/cbc:PayableRoundingAmount"))
    allowances = _d(text(f"{totals}/cbc:AllowanceTotalAmount"))
    charges = _d(text(f"{totals}/cbc:ChargeTotalAmount"))
    if _r(line_sum) != line_extension:
        errors.append("BR-CO-10: Sum of line net amounts differs from the line extension amount")
    if _r(line_extension - allowances + charges) != tax_exclusive:
        errors.append("BR-CO-13: Total without VAT is not lines − allowances + charges")

    tax_totals = root.xpath("cac:TaxTotal", namespaces=NS)
    tax_amount = _d(text("cac:TaxTotal/cbc:TaxAmount"))
    subtotals = root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    if not tax_totals or not subtotals:
        errors.append("BR-CO-18: At least one VAT breakdown group is needed")
    if _r(tax_exclusive + tax_amount) != tax_inclusive:
        errors.append("BR-CO-15: Total with VAT is not total without VAT + VAT")
    if _r(tax_inclusive - prepaid + rounding) != payable:
        errors.append("BR-CO-16: Amount due is not total with VAT − paid + rounding")
    subtotal_sum = Decimal(0)
    seen: set[tuple[str, Decimal]] = set()
    for subtotal in subtotals:
        category = text("cac:TaxCategory/cbc:ID", subtotal)
        rate = _d(text("cac:TaxCategory/cbc:Percent", subtotal))
        base = _d(text("cbc:TaxableAmount", subtotal))
        vat = _d(text("cbc:TaxAmount", subtotal))
        subtotal_sum += vat
        seen.add((category, rate))
        if _r(base * rate / 100) != vat:
            errors.append("BR-CO-17: VAT category tax amount is not taxable amount × rate")
        if category == "S":
            if base != _r(by_category.get(("S", rate), Decimal(0))):
                errors.append(
                    f"BR-S-08: Taxable amount for rate {rate} differs from the sum of its lines"
                )
            if vat != _r(base * rate / 100):
                errors.append("BR-S-09: VAT for the standard rate is not taxable × rate")
            if text("cac:TaxCategory/cbc:TaxExemptionReason", subtotal):
                errors.append("BR-S-10: A standard rated breakdown shall have no exemption")
        elif category == "E":
            if base != _r(by_category.get(("E", rate), Decimal(0))):
                errors.append("BR-E-08: Exempt taxable amount differs from the sum of its lines")
            if vat != 0:
                errors.append("BR-E-09: VAT for an exempt breakdown shall be 0")
            if not (
                text("cac:TaxCategory/cbc:TaxExemptionReason", subtotal)
                or text("cac:TaxCategory/cbc:TaxExemptionReasonCode", subtotal)
            ):
                errors.append("BR-E-10: An exempt breakdown needs an exemption reason")
    if _r(subtotal_sum) != tax_amount:
        errors.append("BR-CO-14: Total VAT is not the sum of the VAT category amounts")
    for key in by_category:
        if key not in seen:
            errors.append(f"BR-{key[0]}-01: Lines with VAT category {key[0]} lack a breakdown")
    if any(category in ("S", "E") for category, _rate in by_category) and not text(
        f"{seller}/cac:PartyTaxScheme/cbc:CompanyID"
    ):
        errors.append("BR-S-02: The seller's VAT identifier is missing")
    return errors
