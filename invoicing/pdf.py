"""The invoice as a PDF in the portal's look (its green and sand), made with fpdf2.

fpdf2's built-in Helvetica covers Latin-1, so Danish letters print as they are; anything
outside Latin-1 is replaced rather than failing the invoice.
"""

from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import Invoice
from .ubl import tax_category

GREEN = (31, 95, 74)  # --almen-green
SAND = (245, 241, 232)  # --almen-sand
INK = (33, 37, 41)


def _t(value) -> str:
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, shortened with '...' until it fits the column (in the current font)."""
    text = _t(text)
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text + "..."


def _kr(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _date(value) -> str:
    return formats.date_format(value, "j. F Y") if value else ""


def invoice_pdf(*, invoice: Invoice, language: str = "da") -> bytes:
    from .services import vat_breakdown

    with translation.override(language):
        return _render(invoice, vat_breakdown(list(invoice.lines.all())))


def _render(invoice: Invoice, breakdown) -> bytes:
    seller = invoice.seller
    pdf = FPDF(format="A4")
    pdf.set_title(_t(str(invoice)))
    pdf.set_author(_t(seller.get("name", "AlmenNet")))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_fill_color(*GREEN)
    pdf.rect(0, 0, 210, 28, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 20)
    pdf.set_xy(15, 9)
    pdf.cell(0, 10, _t(seller.get("name", "AlmenNet")))
    title = _("Credit note") if invoice.is_credit_note else _("Invoice")
    pdf.set_xy(15, 9)
    pdf.cell(180, 10, _t(f"{title} {invoice.display_number}"), align="R")
    pdf.set_text_color(*INK)
    if seller.get("is_demo"):
        pdf.set_xy(15, 30)
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_text_color(180, 30, 30)
        pdf.cell(0, 6, _t(_("DEMO: the seller's details are sample values.")))
        pdf.set_text_color(*INK)

    pdf.set_font("Helvetica", "", 10)
    pdf.set_xy(15, 40)
    buyer = [invoice.buyer_name]
    if invoice.buyer_reference:
        buyer.append(_("Att.: %(name)s") % {"name": invoice.buyer_reference})
    if invoice.buyer_cvr:
        buyer.append(_("CVR %(number)s") % {"number": invoice.buyer_cvr})
    if invoice.buyer_ean:
        buyer.append(_("EAN %(number)s") % {"number": invoice.buyer_ean})
    pdf.multi_cell(95, 5, _t("\n".join(buyer)))
    facts = [
        (_("Number"), invoice.display_number),
        (_("Date"), _date(invoice.issue_date)),
        (_("Due date"), _date(invoice.due_date)),
        (_("Event"), invoice.event.title),
    ]
    if invoice.requisition_number:
        facts.append((_("Requisition number"), invoice.requisition_number))
    if invoice.credited_invoice_id:
        facts.append((_("Credits invoice"), invoice.credited_invoice.display_number))
    y = 40
    for label, value in facts:
        pdf.set_xy(112, y)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(35, 5, _t(label))
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(48, 5, _t(value), align="L")
        y = max(pdf.get_y(), y + 5)

    pdf.set_xy(15, max(y, pdf.get_y()) + 8)
    pdf.set_fill_color(*SAND)
    pdf.set_font("Helvetica", "B", 9)
    widths = (85, 50, 15, 30)
    for width, label in zip(
        widths, (_("Description"), _("Participant"), _("VAT"), _("Amount")), strict=True
    ):
        pdf.cell(width, 7, _t(label), fill=True, align="R" if label == _("Amount") else "L")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in invoice.lines.all():
        pdf.set_x(15)
        pdf.cell(widths[0], 6, _fit(pdf, line.description, widths[0]))
        pdf.cell(widths[1], 6, _fit(pdf, line.participant, widths[1]))
        pdf.cell(widths[2], 6, _t(f"{line.vat_rate.normalize():f} %"))
        pdf.cell(widths[3], 6, _t(_kr(line.net_amount)), align="R")
        pdf.ln()
    pdf.ln(3)

    def total(label, value, bold=False):
        pdf.set_x(15)
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(150, 6, _t(label), align="R")
        pdf.cell(30, 6, _t(_kr(value)), align="R")
        pdf.ln()

    total(_("Total excl. VAT"), invoice.net_amount)
    for rate, base, vat in breakdown:
        if tax_category(rate) == "E":
            total(_("Exempt from VAT, of %(base)s") % {"base": _kr(base)}, Decimal(0))
        else:
            total(_("VAT %(rate)s %% of %(base)s") % {"rate": f"{rate.normalize():f}",
                                                      "base": _kr(base)}, vat)  # fmt: skip
    total(_("Total DKK"), invoice.total_amount, bold=True)
    if any(tax_category(rate) == "E" for rate, _b, _v in breakdown):
        pdf.set_x(15)
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(180, 4, _t(seller.get("vat_exemption_reason", "")))

    pdf.ln(8)
    pdf.set_x(15)
    pdf.set_font("Helvetica", "", 9)
    if invoice.is_credit_note:
        payment = _("This credit note reduces the amount owed on invoice %(number)s.") % {
            "number": invoice.credited_invoice.display_number
        }
    else:
        payment = _(
            "Please pay %(amount)s DKK by %(due)s to reg. no. %(reg)s account %(account)s "
            "(%(bank)s), quoting %(number)s."
        ) % {
            "amount": _kr(invoice.total_amount),
            "due": _date(invoice.due_date),
            "reg": seller.get("bank_reg_number", ""),
            "account": seller.get("bank_account", ""),
            "bank": seller.get("bank_name", ""),
            "number": invoice.display_number,
        }
    pdf.multi_cell(180, 5, _t(payment), align="L")

    pdf.set_y(-30)
    pdf.set_draw_color(*GREEN)
    pdf.line(15, pdf.get_y(), 195, pdf.get_y())
    pdf.set_font("Helvetica", "", 8)
    pdf.set_text_color(90, 90, 90)
    footer = " · ".join(
        part
        for part in (
            seller.get("name", ""),
            f"{seller.get('street', '')}, {seller.get('postcode', '')} {seller.get('city', '')}",
            f"CVR {seller.get('cvr', '')}",
            seller.get("email", ""),
        )
        if part
    )
    pdf.set_x(15)
    pdf.multi_cell(180, 4, _t(footer), align="C")
    return bytes(pdf.output())
