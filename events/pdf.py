"""Name badges and certificates of attendance as PDF files, one file per event, made with
fpdf2 in the portal's look (almennet.brand); the QR code on a badge (python-qrcode) holds the
check-in address of that participant, which the check-in page accepts."""

import io
from collections.abc import Iterable

import qrcode
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from almennet import brand

from .check_in import badge_url
from .models import Event, EventSession, Registration

# A4 portrait, two columns of four badges of 90 x 65 mm (fits the common 8-up badge holders).
BADGE_W, BADGE_H = 90, 65
BADGE_COLUMNS, BADGE_ROWS = 2, 4
MARGIN_X, MARGIN_Y = 15, 18.5
QR_SIZE = 24


def _t(value) -> str:
    return str(value or "").encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    text = _t(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(_t(title))
    pdf.set_author(brand.SITE_NAME)
    pdf.set_auto_page_break(auto=False)
    return pdf


def _qr_png(text: str) -> io.BytesIO:
    code = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value), "j. F Y")


def _event_dates(sessions: list[EventSession]) -> str:
    days = []
    for session in sessions:
        day = _day(session.starts_at)
        if day not in days:
            days.append(day)
    return ", ".join(days)


def badges_pdf(*, event: Event, registrations: Iterable[Registration], language="da") -> bytes:
    with translation.override(language):
        pdf = _new_pdf(_("Name badges: %(event)s") % {"event": event.title})
        per_page = BADGE_COLUMNS * BADGE_ROWS
        registrations = list(registrations)
        if not registrations:
            pdf.add_page()
            pdf.set_font(brand.FONT, "", 12)
            pdf.set_xy(MARGIN_X, MARGIN_Y)
            pdf.cell(0, 8, _t(_("No participants yet.")))
        for index, registration in enumerate(registrations):
            if index % per_page == 0:
                pdf.add_page()
            column, row = index % BADGE_COLUMNS, (index % per_page) // BADGE_COLUMNS
            _badge(pdf, event, registration, MARGIN_X + column * BADGE_W, MARGIN_Y + row * BADGE_H)
        return bytes(pdf.output())


def _badge(pdf: FPDF, event: Event, registration: Registration, x: float, y: float) -> None:
    pdf.set_draw_color(*brand.MUTED)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, BADGE_W, BADGE_H)  # the cutting line
    pdf.set_fill_color(*brand.GREEN)
    pdf.rect(x, y, BADGE_W, 11, style="F")
    pdf.set_text_color(*brand.WHITE)
    pdf.set_font(brand.FONT, "B", 9)
    pdf.set_xy(x + 4, y + 2.5)
    pdf.cell(BADGE_W - 8, 6, _fit(pdf, event.title, BADGE_W - 8))
    pdf.set_text_color(*brand.INK)
    text_width = BADGE_W - QR_SIZE - 10
    pdf.set_font(brand.FONT, "B", 16)
    pdf.set_xy(x + 4, y + 18)
    pdf.multi_cell(text_width, 7, _t(registration.person_name), max_line_height=7)
    pdf.set_font(brand.FONT, "", 10)
    pdf.set_text_color(*brand.GREEN_DARK)
    pdf.set_xy(x + 4, y + 36)
    pdf.multi_cell(text_width, 5, _t(registration.organisation_name), max_line_height=5)
    pdf.image(
        _qr_png(badge_url(registration=registration)),
        x=x + BADGE_W - QR_SIZE - 4,
        y=y + BADGE_H - QR_SIZE - 5,
        w=QR_SIZE,
        h=QR_SIZE,
    )
    pdf.set_text_color(*brand.INK)


def certificates_pdf(
    *,
    event: Event,
    registrations: Iterable[Registration],
    sessions: list[EventSession],
    language="da",
) -> bytes:
    with translation.override(language):
        pdf = _new_pdf(_("Certificates: %(event)s") % {"event": event.title})
        registrations = list(registrations)
        if not registrations:
            pdf.add_page()
            pdf.set_font(brand.FONT, "", 12)
            pdf.set_xy(20, 30)
            pdf.cell(0, 8, _t(_("No participant has attended yet.")))
        for registration in registrations:
            _certificate(pdf, event, registration, sessions)
        return bytes(pdf.output())


def _certificate(pdf: FPDF, event: Event, registration, sessions) -> None:
    pdf.add_page()
    pdf.set_fill_color(*brand.SAND)
    pdf.rect(0, 0, 210, 297, style="F")
    pdf.set_fill_color(*brand.GREEN)
    pdf.rect(0, 0, 210, 38, style="F")
    pdf.set_text_color(*brand.WHITE)
    pdf.set_font(brand.FONT, "B", 22)
    pdf.set_xy(20, 12)
    pdf.cell(170, 12, brand.SITE_NAME)
    pdf.set_text_color(*brand.GREEN_DARK)
    pdf.set_font(brand.FONT, "B", 28)
    pdf.set_xy(20, 70)
    pdf.cell(170, 14, _t(_("Certificate of attendance")), align="C")
    pdf.set_text_color(*brand.INK)
    pdf.set_font(brand.FONT, "", 13)
    pdf.set_xy(20, 100)
    pdf.cell(170, 8, _t(_("This is to certify that")), align="C")
    pdf.set_font(brand.FONT, "B", 24)
    pdf.set_xy(20, 114)
    pdf.multi_cell(170, 12, _t(registration.person_name), align="C")
    if registration.organisation_name:
        pdf.set_font(brand.FONT, "", 13)
        pdf.set_x(20)
        pdf.multi_cell(170, 8, _t(registration.organisation_name), align="C")
    pdf.set_font(brand.FONT, "", 13)
    pdf.set_xy(20, pdf.get_y() + 10)
    pdf.multi_cell(170, 8, _t(_("has attended the course")), align="C")
    pdf.set_font(brand.FONT, "B", 16)
    pdf.set_x(20)
    pdf.multi_cell(170, 9, _t(event.title), align="C")
    pdf.set_font(brand.FONT, "", 12)
    pdf.set_x(20)
    pdf.multi_cell(170, 7, _t(_event_dates(sessions)), align="C")
    if event.venue_name:
        pdf.set_x(20)
        pdf.multi_cell(170, 7, _t(event.venue_name), align="C")
    pdf.set_draw_color(*brand.GREEN)
    pdf.set_line_width(0.5)
    pdf.line(65, 250, 145, 250)
    pdf.set_font(brand.FONT, "", 10)
    pdf.set_xy(20, 252)
    pdf.cell(170, 6, _t(_("The AlmenNet secretariat")), align="C")
