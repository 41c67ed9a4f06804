"""Files for the outside world: the NemHandel batch (a ZIP of UBL files) and the bookkeeping
CSV."""

import csv
import io
import zipfile

from .einvoice_rules import business_rule_errors
from .models import Invoice
from .ubl import invoice_ubl, ubl_schema_errors

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InvalidEInvoice(ValueError):
    pass


def invoice_ubl_checked(*, invoice: Invoice) -> bytes:
    """The UBL file, refused (InvalidEInvoice) if it breaks the schema or the business rules:
    better a clear error for the secretariat than a rejection from the access point."""
    xml = invoice_ubl(invoice=invoice)
    problems = ubl_schema_errors(xml) + business_rule_errors(xml)
    if problems:
        raise InvalidEInvoice(f"{invoice}: " + "; ".join(problems))
    return xml


def invoices_xml_zip(*, invoices) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(f"{invoice.display_number}.xml", invoice_ubl_checked(invoice=invoice))
    return buffer.getvalue()


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


BOOKKEEPING_COLUMNS = (
    "number", "kind", "credits", "issue_date", "due_date", "buyer", "buyer_cvr", "buyer_ean",
    "event", "net", "vat", "total", "status", "paid_date", "paid_amount",
)  # fmt: skip


def invoices_csv(*, invoices) -> str:
    """One row per issued document for the bookkeeping; amounts with a decimal point, credit
    notes negative so that the column sums to the revenue."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(BOOKKEEPING_COLUMNS)
    for invoice in invoices:
        if invoice.number is None:
            continue
        sign = -1 if invoice.is_credit_note else 1
        writer.writerow(
            [
                invoice.display_number,
                invoice.kind,
                invoice.credited_invoice.display_number if invoice.credited_invoice_id else "",
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat() if invoice.due_date else "",
                # Typed by people: neutralised so a spreadsheet never runs them as formulas.
                safe_cell(invoice.buyer_name),
                safe_cell(invoice.buyer_cvr),
                safe_cell(invoice.buyer_ean),
                safe_cell(invoice.event.title),
                f"{sign * invoice.net_amount:.2f}",
                f"{sign * invoice.vat_amount:.2f}",
                f"{sign * invoice.total_amount:.2f}",
                invoice.status,
                invoice.paid_at.date().isoformat() if invoice.paid_at else "",
                f"{invoice.paid_amount:.2f}" if invoice.paid_amount is not None else "",
            ]
        )
    return buffer.getvalue()
