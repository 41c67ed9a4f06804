"""The secretariat's invoicing through the admin: issue per event, statuses, payments by hand
and from a bank file, credit, the NemHandel batch and the bookkeeping export."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from invoicing import services
from invoicing.models import Invoice, SellerSettings
from invoicing.ubl import ubl_schema_errors

from .conftest import late_deadline_event, sign_up

pytestmark = pytest.mark.django_db
Status = Invoice.Status
CHANGELIST = "admin:invoicing_invoice_changelist"


def _action(client, action, invoices, url=CHANGELIST):
    return client.post(
        reverse(url),
        {"action": action, "_selected_action": [invoice.pk for invoice in invoices]},
    )


def test_issue_invoices_for_an_event_through_the_admin(admin_client_secretary, representative):
    event = late_deadline_event(title="Kursus i beboerdemokrati")
    sign_up(event, representative)
    sign_up(event, UserFactory())
    free = EventFactory(member_price=0, non_member_price=0, title="Gratis netværksmøde")

    listing = admin_client_secretary.get(reverse("admin:invoicing_billableevent_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Kursus i beboerdemokrati" in text and "Gratis netværksmøde" not in text

    response = admin_client_secretary.post(
        reverse("admin:invoicing_billableevent_changelist"),
        {"action": "issue_invoices", "_selected_action": [event.pk, free.pk]},
        follow=True,
    )
    assert "2 fakturaer og 0 kreditnotaer udstedt" in response.content.decode()
    assert Invoice.objects.filter(event=event, status=Status.ISSUED).count() == 2


def test_changelist_shows_numbers_and_statuses(admin_client_secretary):
    event = late_deadline_event()
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    response = admin_client_secretary.get(reverse(CHANGELIST))
    text = response.content.decode()
    assert response.status_code == 200
    assert "F000001" in text and "Udstedt" in text
    filtered = admin_client_secretary.get(reverse(CHANGELIST) + "?status__exact=paid")
    assert "F000001" not in filtered.content.decode()
    page = admin_client_secretary.get(reverse("admin:invoicing_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200
    assert 'name="buyer_name"' not in page.content.decode()  # read-only


def test_issued_invoice_cannot_be_changed_or_deleted_in_the_admin(admin_client_secretary):
    event = late_deadline_event()
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    admin_client_secretary.post(
        reverse("admin:invoicing_invoice_change", args=[invoice.pk]),
        {"buyer_name": "Someone else", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
    )
    invoice.refresh_from_db()
    assert invoice.buyer_name != "Someone else"
    response = admin_client_secretary.get(
        reverse("admin:invoicing_invoice_delete", args=[invoice.pk])
    )
    assert response.status_code == 403
    assert admin_client_secretary.get(reverse("admin:invoicing_invoice_add")).status_code == 403


def test_send_mark_paid_and_credit_actions(admin_client_secretary):
    event = late_deadline_event()
    sign_up(event, UserFactory())
    sign_up(event, UserFactory())
    first, second = services.event_invoice(event=event).invoices

    _action(admin_client_secretary, "send", [first])
    first.refresh_from_db()
    assert first.status == Status.SENT

    confirm = _action(admin_client_secretary, "mark_paid", [first])
    assert confirm.status_code == 200 and "F000001" in confirm.content.decode()
    first.refresh_from_db()
    assert first.status == Status.SENT  # nothing happens before the date is given
    admin_client_secretary.post(
        reverse(CHANGELIST),
        {"action": "mark_paid", "_selected_action": [first.pk], "apply": "1",
         "paid_on": "bad date"},
    )  # fmt: skip
    first.refresh_from_db()
    assert first.status == Status.SENT
    admin_client_secretary.post(
        reverse(CHANGELIST),
        {"action": "mark_paid", "_selected_action": [first.pk], "apply": "1",
         "paid_on": "2026-12-05"},
    )  # fmt: skip
    first.refresh_from_db()
    assert first.status == Status.PAID and first.paid_amount == first.total_amount
    assert first.paid_at.date().isoformat() == "2026-12-05"

    response = _action(admin_client_secretary, "credit", [second])
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.CREDITED
    assert second.credit_notes.get().status == Status.ISSUED

    # A refused move shows an error, not a crash.
    response = admin_client_secretary.post(
        reverse(CHANGELIST),
        {
            "action": "mark_paid",
            "_selected_action": [second.pk],
            "apply": "1",
            "paid_on": "2026-12-05",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "kan ikke gå fra Krediteret til Betalt" in response.content.decode()


def test_xml_batch_download_is_valid_and_marks_sent(admin_client_secretary, representative):
    event = late_deadline_event()
    sign_up(event, representative)
    sign_up(event, UserFactory())  # no EAN: not in the batch
    invoices = services.event_invoice(event=event).invoices
    response = _action(admin_client_secretary, "download_xml_batch", invoices)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    (name,) = archive.namelist()
    assert ubl_schema_errors(archive.read(name)) == []
    electronic = next(invoice for invoice in invoices if invoice.is_electronic)
    electronic.refresh_from_db()
    assert electronic.status == Status.SENT


def test_bookkeeping_export(admin_client_secretary):
    event = late_deadline_event(title="@SUM(A1)")
    sign_up(event, UserFactory())
    invoices = services.event_invoice(event=event).invoices
    response = _action(admin_client_secretary, "export_csv", invoices)
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "F000001" in text and "'@SUM(A1)" in text and "1125.00" in text


def test_bank_file_upload_marks_payments(admin_client_secretary):
    event = late_deadline_event()
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    url = reverse("admin:invoicing_invoice_bank_file")
    assert admin_client_secretary.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "bank.csv", b"07-12-2026;Faktura F000001;1125,00\n07-12-2026;Andet;5,00\n"
    )
    response = admin_client_secretary.post(url, {"file": upload})
    text = response.content.decode()
    assert response.status_code == 200
    assert "F000001" in text and "Andet" in text
    invoice.refresh_from_db()
    assert invoice.status == Status.PAID


def test_bank_file_view_needs_the_right(client):
    user = UserFactory(is_staff=True)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    assert client.get(reverse("admin:invoicing_invoice_bank_file")).status_code == 403


def test_seller_settings_is_a_singleton_edited_in_the_admin(admin_client_secretary):
    response = admin_client_secretary.get(reverse("admin:invoicing_sellersettings_changelist"))
    assert response.status_code == 302
    url = reverse("admin:invoicing_sellersettings_change", args=[1])
    page = admin_client_secretary.get(url)
    assert page.status_code == 200 and "DEMO" in page.content.decode()
    seller = SellerSettings.load()
    data = {
        field: getattr(seller, field)
        for field in (
            "name", "cvr", "ean", "email", "street", "postcode", "city", "bank_name",
            "bank_reg_number", "bank_account", "iban", "payment_days", "vat_rate",
            "course_vat_rate", "vat_exemption_reason",
        )
    }  # fmt: skip
    data.update(name="AlmenNet", course_vat_rate="0", cvr="1234")
    response = admin_client_secretary.post(url, data)
    assert response.status_code == 200  # the bad CVR number is refused
    data["cvr"] = "12345674"
    response = admin_client_secretary.post(url, data)
    assert response.status_code == 302
    seller = SellerSettings.load()
    assert seller.name == "AlmenNet" and seller.course_vat_rate == Decimal("0")
    assert seller.is_demo is False  # unticked in the form
    assert (
        admin_client_secretary.get(reverse("admin:invoicing_sellersettings_add")).status_code == 403
    )


def test_a_bank_file_that_is_not_csv_is_a_form_error(admin_client_secretary):
    url = reverse("admin:invoicing_invoice_bank_file")
    garbage = b"\x00\xff\xfe" + b'"' + b"x" * 200_000  # an unclosed quote past the field limit
    response = admin_client_secretary.post(url, {"file": SimpleUploadedFile("bank.csv", garbage)})
    assert response.status_code == 200
    assert "kunne ikke læses som CSV" in response.content.decode()
    empty = admin_client_secretary.post(url, {"file": SimpleUploadedFile("bank.csv", b"")})
    assert empty.status_code == 200  # Django's own "the file is empty"
