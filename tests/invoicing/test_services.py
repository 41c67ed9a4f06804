import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory, UserFactory
from events import services as event_services
from events.models import Registration
from invoicing import services
from invoicing.exports import invoices_csv, safe_cell
from invoicing.models import Invoice, InvoiceLine, InvoiceSeries, SellerSettings
from outbox.models import OutboxMessage

from .conftest import end_event, late_deadline_event, sign_up

pytestmark = pytest.mark.django_db
Status = Invoice.Status
D = Decimal


def _lines(event):
    return {
        line.registration_id: line
        for line in InvoiceLine.objects.filter(invoice__event=event, invoice__kind="invoice")
    }


def test_lines_follow_the_events_rules(organisation, representative, secretary):
    event = late_deadline_event(capacity=4)
    member = sign_up(event, representative)
    non_member = sign_up(event, UserFactory())
    no_show = sign_up(event, UserFactory())
    late = sign_up(event, UserFactory())
    refilled = sign_up(event, AffiliationFactory(organisation=organisation).user)  # 5th: waits
    waiting = sign_up(event, UserFactory())
    assert refilled.status == Registration.Status.WAITING
    # A late cancellation whose seat the waiting list refills: liability waived.
    cancelled_refilled = event_services.registration_cancel(registration=member, actor=member.user)
    assert cancelled_refilled.liability == Registration.Liability.WAIVED
    refilled.refresh_from_db()
    assert refilled.status == Registration.Status.CONFIRMED
    # Another late cancellation, and now only someone who can not take the seat... the next in
    # line takes it again, so close the waiting list first to keep the liability.
    event_services.registration_reject(registration=waiting, actor=secretary)
    late = event_services.registration_cancel(registration=late, actor=late.user)
    assert late.liability == Registration.Liability.FULL_PRICE
    end_event(event)
    event_services.registration_move(
        registration=no_show, status=Registration.Status.NO_SHOW, actor=secretary
    )

    result = services.event_invoice(event=event, actor=secretary)

    lines = _lines(event)
    assert set(lines) == {non_member.pk, no_show.pk, late.pk, refilled.pk}
    assert lines[refilled.pk].net_amount == D("500.00")  # member price from sign-up
    assert lines[non_member.pk].net_amount == D("900.00")
    assert lines[no_show.pk].net_amount == D("900.00")
    assert lines[late.pk].net_amount == D("900.00")
    assert "sen afmelding" in lines[late.pk].description
    assert member.pk not in lines and waiting.pk not in lines
    assert len(result.invoices) == 4  # the organisation and three people
    assert result.credit_notes == []


def test_price_is_the_one_stored_at_sign_up(representative):
    event = late_deadline_event()
    registration = sign_up(event, representative)
    event.member_price = D("750.00")
    event.save()
    services.event_invoice(event=event)
    assert _lines(event)[registration.pk].unit_price == D("500.00")


def test_one_invoice_per_organisation_listing_its_participants(organisation, representative):
    event = late_deadline_event()
    colleague = AffiliationFactory(organisation=organisation).user
    first = sign_up(event, representative, requisition_number="R-17", billing_reference="Jens")
    second = sign_up(event, colleague, requisition_number="R-17")
    alone = sign_up(event, UserFactory())

    result = services.event_invoice(event=event)

    by_payer = {
        invoice.organisation_id or -invoice.person_id: invoice for invoice in result.invoices
    }
    org_invoice = by_payer[organisation.pk]
    assert sorted(org_invoice.lines.values_list("registration_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert org_invoice.buyer_name == "Boligforeningen Vest"
    assert org_invoice.buyer_ean == organisation.ean  # pre-filled at sign-up
    assert org_invoice.buyer_email == "faktura@vest.example.dk"
    assert org_invoice.requisition_number == "R-17"
    assert "Jens" in org_invoice.buyer_reference
    assert org_invoice.net_amount == D("1000.00")
    person_invoice = by_payer[-alone.user_id]
    assert person_invoice.buyer_name == str(alone.user)
    assert person_invoice.buyer_ean == ""


def test_free_event_produces_nothing():
    event = EventFactory(member_price=0, non_member_price=0)
    sign_up(event, UserFactory())
    result = services.event_invoice(event=event)
    assert result.invoices == [] and Invoice.objects.count() == 0


def test_invoicing_twice_bills_nobody_twice(representative):
    event = late_deadline_event()
    sign_up(event, representative)
    assert len(services.event_invoice(event=event).invoices) == 1
    again = services.event_invoice(event=event)
    assert again.invoices == [] and again.credit_notes == []
    assert Invoice.objects.count() == 1


def test_change_after_invoicing_gives_a_credit_note_referencing_the_invoice(secretary):
    event = EventFactory()  # deadline in three days: cancelling now owes nothing
    keep = sign_up(event, UserFactory())
    other_user = UserFactory()
    leaves = sign_up(event, other_user)
    first = services.event_invoice(event=event, actor=secretary)
    invoice = next(i for i in first.invoices if i.person == other_user)
    assert invoice.status == Status.ISSUED

    event_services.registration_cancel(registration=leaves, actor=secretary)
    result = services.event_invoice(event=event, actor=secretary)

    assert result.invoices == []
    (note,) = result.credit_notes
    assert note.kind == Invoice.Kind.CREDIT_NOTE
    assert note.credited_invoice == invoice
    assert note.series == "K" and note.number == 1
    assert note.total_amount == invoice.total_amount
    assert list(note.lines.values_list("registration_id", flat=True)) == [leaves.pk]
    invoice.refresh_from_db()
    assert invoice.status == Status.CREDITED
    # The other participant's invoice is untouched.
    assert Invoice.objects.get(lines__registration=keep).status == Status.ISSUED
    # Billed net for the cancelled registration is now zero.
    assert services.billed_registrations(event=event)[leaves.pk].amount == 0


def test_numbers_are_consecutive_per_series():
    events = [late_deadline_event() for _ in range(3)]
    for event in events:
        sign_up(event, UserFactory())
        sign_up(event, UserFactory())
        services.event_invoice(event=event)
    numbers = list(
        Invoice.objects.filter(series="F").order_by("number").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert InvoiceSeries.objects.get(code="F").next_number == 7
    services.invoice_credit(invoice=Invoice.objects.get(series="F", number=2))
    assert Invoice.objects.get(series="K").number == 1
    assert Invoice.objects.get(series="F", number=2).display_number == "F000002"


def test_a_rolled_back_issue_leaves_no_gap():
    event = late_deadline_event()
    sign_up(event, UserFactory())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.event_invoice(event=event)
        raise RuntimeError("the caller fails after issuing")
    assert Invoice.objects.count() == 0
    services.event_invoice(event=event)
    assert Invoice.objects.get().number == 1


def _issued_invoice():
    event = late_deadline_event()
    sign_up(event, UserFactory())
    return services.event_invoice(event=event).invoices[0]


def test_issued_invoice_is_refused_by_the_service():
    invoice = _issued_invoice()
    with pytest.raises(ValidationError):
        services.invoice_update(invoice=invoice, buyer_name="Someone else")
    with pytest.raises(ValidationError):
        services.invoice_issue(invoice=invoice)


def test_issued_invoice_is_refused_by_the_database():
    invoice = _issued_invoice()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total_amount=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(status=Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(net_amount=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=invoice, description="x", unit_price=1, vat_rate=25, net_amount=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).delete()
    # The status may still move on.
    services.invoice_mark_paid(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == Status.PAID and invoice.total_amount == D("1125.00")


def test_a_draft_may_still_change():
    invoice = _issued_invoice()
    draft = Invoice.objects.create(
        event=invoice.event, series="F", buyer_name="Kladde", kind=Invoice.Kind.INVOICE
    )
    services.invoice_update(invoice=draft, buyer_name="Rettet kladde")
    draft.refresh_from_db()
    assert draft.buyer_name == "Rettet kladde"


def test_status_transitions_follow_the_table():
    invoice = _issued_invoice()
    services.invoice_mark_paid(invoice=invoice)
    with pytest.raises(ValidationError):
        services.invoice_mark_paid(invoice=invoice)
    with pytest.raises(ValidationError):
        services.invoice_send(invoice=invoice)
    note = services.invoice_credit(invoice=invoice)
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=note)
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == Status.CREDITED
    assert services.ALLOWED_TRANSITIONS[Status.CREDITED] == set()


def test_vat_sums_standard_rate():
    invoice = _issued_invoice()
    assert invoice.net_amount == D("900.00")
    assert invoice.vat_amount == D("225.00")
    assert invoice.total_amount == D("1125.00")
    assert invoice.lines.get().vat_rate == D("25.00")


def test_course_vat_rate_from_the_settings():
    seller = SellerSettings.load()
    seller.course_vat_rate = D("0")
    seller.save()
    course = late_deadline_event(kind="course")
    sign_up(course, UserFactory())
    invoice = services.event_invoice(event=course).invoices[0]
    assert invoice.vat_amount == 0 and invoice.total_amount == D("900.00")
    seminar = late_deadline_event()
    sign_up(seminar, UserFactory())
    assert services.event_invoice(event=seminar).invoices[0].vat_amount == D("225.00")


def test_vat_breakdown_rounds_per_rate():
    lines = [
        InvoiceLine(net_amount=D("0.02"), vat_rate=D("25")),
        InvoiceLine(net_amount=D("0.02"), vat_rate=D("25")),
        InvoiceLine(net_amount=D("10.00"), vat_rate=D("0")),
    ]
    assert services.vat_breakdown(lines) == [
        (D("0.00"), D("10.00"), D("0.00")),
        (D("25.00"), D("0.04"), D("0.01")),
    ]


def test_due_date_and_seller_details_from_the_settings():
    seller = SellerSettings.load()
    seller.payment_days = 14
    seller.name = "AlmenNet"
    seller.save()
    event = late_deadline_event()
    sign_up(event, UserFactory())
    today = datetime.date(2026, 12, 1)
    invoice = services.event_invoice(event=event, today=today).invoices[0]
    assert invoice.issue_date == today
    assert invoice.due_date == datetime.date(2026, 12, 15)
    assert invoice.seller["name"] == "AlmenNet"
    assert invoice.seller["payment_days"] == 14


def test_sending_mails_the_pdf_through_the_outbox():
    invoice = _issued_invoice()
    services.invoice_send(invoice=invoice)
    message = OutboxMessage.objects.get(template="invoicing/mail/invoice")
    assert message.to == invoice.buyer_email
    (attachment,) = message.attachments.all()
    assert attachment.filename == "F000001.pdf"
    assert attachment.mimetype == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF")
    assert "F000001" in message.subject
    invoice.refresh_from_db()
    assert invoice.status == Status.SENT and invoice.sent_at is not None


def test_ean_invoices_are_not_mailed_but_sent_with_the_batch(representative):
    event = late_deadline_event()
    sign_up(event, representative)
    invoice = services.event_invoice(event=event).invoices[0]
    assert invoice.is_electronic
    with pytest.raises(ValidationError):
        services.invoice_send(invoice=invoice)
    assert not OutboxMessage.objects.filter(template="invoicing/mail/invoice").exists()
    assert services.invoices_mark_sent_electronically(invoices=[invoice]) == 1
    invoice.refresh_from_db()
    assert invoice.status == Status.SENT


def test_bank_csv_marks_matching_invoices_paid():
    first = _issued_invoice()
    second = _issued_invoice()
    content = (
        "Dato;Tekst;Beløb\n"
        f"03-12-2026;Betaling faktura {first.display_number};1.125,00\n"
        f"04-12-2026;F{second.number} for lidt;100,00\n"
        "05-12-2026;Ukendt indbetaling;50,00\n"
    ).encode()
    result = services.bank_csv_import(content=content)
    assert [invoice.pk for invoice in result.paid] == [first.pk]
    assert len(result.unmatched) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.PAID and first.paid_amount == D("1125.00")
    assert first.paid_at.date() == datetime.date(2026, 12, 3)
    assert second.status == Status.ISSUED
    # Importing the same file again pays nothing twice.
    assert services.bank_csv_import(content=content).paid == []


def test_bookkeeping_csv_neutralises_formulas_and_signs_credit_notes():
    event = late_deadline_event(title='=HYPERLINK("http://evil")')
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    note = services.invoice_credit(invoice=invoice)
    content = invoices_csv(invoices=Invoice.objects.filter(pk__in=[invoice.pk, note.pk]))
    rows = [row.split(";") for row in content.strip().splitlines()]
    assert rows[0][0] == "number"
    assert all(row[8].startswith("\"'=") for row in rows[1:])
    totals = sorted(row[11] for row in rows[1:])
    assert totals == ["-1125.00", "1125.00"]
    assert safe_cell("+45 1234") == "'+45 1234"
    assert safe_cell("Vest") == "Vest"


def test_ended_events_are_invoiced_by_the_beat_task():
    from invoicing.tasks import ended_events_invoice

    event = late_deadline_event()
    sign_up(event, UserFactory())
    assert ended_events_invoice() == 0  # not ended yet
    end_event(event)
    assert ended_events_invoice() == 1
    assert ended_events_invoice() == 0
    long_ago = late_deadline_event()
    sign_up(long_ago, UserFactory())
    end_event(long_ago, days_ago=60)
    assert ended_events_invoice() == 0


def test_automatic_invoicing_can_be_turned_off():
    seller = SellerSettings.load()
    seller.auto_invoice_ended_events = False
    seller.save()
    event = late_deadline_event()
    sign_up(event, UserFactory())
    end_event(event)
    assert services.events_invoice_ended(now=timezone.now()) == 0


def test_a_write_off_by_hand_is_not_billed_again():
    event = late_deadline_event()
    registration = sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    note = services.invoice_credit(invoice=invoice, write_off=True)
    assert note.is_write_off
    again = services.event_invoice(event=event)
    assert again.invoices == [] and again.credit_notes == []
    assert services.billed_registrations(event=event)[registration.pk].written_off == D("900.00")


def test_a_credit_without_write_off_is_billed_again():
    """A credit note that only corrects (e.g. a wrong buyer) leaves the seat owed: the next
    run invoices it anew."""
    event = late_deadline_event()
    sign_up(event, UserFactory())
    invoice = services.event_invoice(event=event).invoices[0]
    services.invoice_credit(invoice=invoice)
    (new_invoice,) = services.event_invoice(event=event).invoices
    assert new_invoice.number == invoice.number + 1


def test_personal_data_export_lists_the_persons_invoices_and_deletion_keeps_them():
    from invoicing.panels import personal_data_export
    from members.services import user_delete

    person = UserFactory()
    event = late_deadline_event(title="Temadag")
    sign_up(event, person)
    invoice = services.event_invoice(event=event).invoices[0]
    (row,) = personal_data_export(person)
    assert row["number"] == "F000001" and row["event"] == "Temadag" and row["total"] == "1125.00"

    user_delete(user=person)
    invoice.refresh_from_db()
    # Kept for the bookkeeping, unchanged, no longer tied to the account.
    assert invoice.person is None and invoice.total_amount == D("1125.00")


def test_beat_runs_the_invoicing_task():
    from django.conf import settings

    from almennet.celery import app
    from invoicing.tasks import ended_events_invoice

    entry = settings.CELERY_BEAT_SCHEDULE["invoicing-ended-events"]
    assert entry["task"] == ended_events_invoice.name
    assert ended_events_invoice.name in app.tasks


def test_an_erased_person_without_organisation_is_not_billed():
    event = late_deadline_event()
    registration = sign_up(event, UserFactory())
    Registration.objects.filter(pk=registration.pk).update(user=None)
    assert services.event_invoice(event=event).invoices == []


def test_each_status_move_is_recorded_in_the_action_log():
    from activity.selectors import actions_for

    staff = UserFactory(is_staff=True)
    invoice = _issued_invoice()
    services.invoice_mark_paid(invoice=invoice, actor=staff)
    note = services.invoice_credit(invoice=invoice, actor=staff)
    rows = list(actions_for(target=invoice).order_by("created_at", "id"))
    assert [row.verb for row in rows] == ["invoice.issued", "invoice.paid", "invoice.credited"]
    assert [row.actor for row in rows[1:]] == [staff, staff]
    assert rows[1].data["from_status"] == Status.ISSUED
    assert rows[1].data["number"] == invoice.number
    assert actions_for(target=note).get().verb == "invoice.issued"
