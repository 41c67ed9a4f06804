"""Every write to invoices: lines from the events rules, numbering, credit notes, payments.

The rules for what a seat costs (the members price, the late-cancellation liability and its
waiver when the waiting list refills the seat) live in events; this module only reads what
events stored on the registration. Invoicing an event locks the event row, so two staff (or
staff and the beat task) never bill the same seat twice; issuing locks the series counter, so
numbers are consecutive with no gap and no reuse.
"""

import csv
import datetime
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity.services import record
from events.models import Event, Registration

from .models import ZERO, Invoice, InvoiceLine, InvoiceSeries, SellerSettings

logger = logging.getLogger(__name__)
Status = Invoice.Status
RegStatus = Registration.Status
CENT = Decimal("0.01")

# Which status moves are allowed, from each status.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.ISSUED},
    Status.ISSUED: {Status.SENT, Status.PAID, Status.CREDITED},
    Status.SENT: {Status.PAID, Status.CREDITED},
    Status.PAID: {Status.CREDITED},
    Status.CREDITED: set(),
}


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _transition(invoice: Invoice, to: str, *, actor=None) -> None:
    """Move along ALLOWED_TRANSITIONS, and record it in the action log ("invoice.<status>")."""
    if to not in ALLOWED_TRANSITIONS[invoice.status]:
        raise ValidationError(
            _("An invoice cannot go from %(from)s to %(to)s.")
            % {"from": Status(invoice.status).label, "to": Status(to).label},
            code="transition",
        )
    previous, invoice.status = invoice.status, to
    record(
        actor,
        f"invoice.{to}",
        invoice,
        from_status=previous,
        number=invoice.number,
        total=invoice.total_amount,
    )


# --- the rules: which registrations owe what --------------------------------------------------


def registration_charge(*, registration: Registration) -> Decimal:
    """What a registration owes: its price as stored at sign-up (the members rule) for a seat
    held (confirmed, attended, no-show) or cancelled late with the liability not waived;
    nothing otherwise (waiting, cancelled in time, seat refilled from the waiting list)."""
    if registration.price <= 0:
        return ZERO
    if registration.status in Registration.SEAT_STATUSES:
        return money(registration.price)
    if (
        registration.status == RegStatus.CANCELLED
        and registration.liability == Registration.Liability.FULL_PRICE
    ):
        return money(registration.price)
    return ZERO


@dataclass(frozen=True)
class Billed:
    amount: Decimal  # invoiced minus credited
    invoice: Invoice | None  # the last invoice that billed it
    written_off: Decimal  # credited by hand (goodwill): not to be billed again


def billed_registrations(*, event: Event) -> dict[int, Billed]:
    """Per registration of the event: what issued invoices billed minus what credit notes
    credited, the last invoice that billed it, and how much the secretariat wrote off."""
    totals: dict[int, list] = {}
    lines = (
        InvoiceLine.objects.filter(invoice__event=event, registration__isnull=False)
        .exclude(invoice__status=Status.DRAFT)
        .select_related("invoice")
        .order_by("invoice__issued_at", "pk")
    )
    for line in lines:
        entry = totals.setdefault(line.registration_id, [ZERO, None, ZERO])
        if line.invoice.is_credit_note:
            entry[0] -= line.net_amount
            if line.invoice.is_write_off:
                entry[2] += line.net_amount
        else:
            entry[0] += line.net_amount
            entry[1] = line.invoice
    return {pk: Billed(*entry) for pk, entry in totals.items()}


def _vat_rate(*, event: Event, seller: SellerSettings) -> Decimal:
    return seller.course_vat_rate if event.is_course else seller.vat_rate


def _payer_key(registration: Registration) -> tuple:
    if registration.organisation_id:
        return ("organisation", registration.organisation_id, registration.billing_ean)
    return ("person", registration.user_id, registration.billing_ean)


def _common(values: list[str], limit: int) -> str:
    distinct = list(dict.fromkeys(v for v in values if v))
    return ", ".join(distinct)[:limit]


def _line_description(*, event: Event, registration: Registration) -> str:
    if registration.status == RegStatus.CANCELLED:
        text = _("%(event)s: late cancellation") % {"event": event.title}
    elif registration.status == RegStatus.NO_SHOW:
        text = _("%(event)s: did not attend") % {"event": event.title}
    else:
        text = _("%(event)s: participation") % {"event": event.title}
    if registration.requisition_number:
        text += " " + _("(requisition %(number)s)") % {"number": registration.requisition_number}
    return text[:300]


def _participant_name(registration: Registration) -> str:
    return str(registration.user)[:200] if registration.user_id else _("(erased)")


def _draft_for(*, event: Event, registrations: list[Registration], seller) -> Invoice:
    first = registrations[0]
    organisation = first.organisation
    if organisation is not None:
        buyer_name = organisation.name
        buyer_cvr = organisation.cvr
        buyer_email = (
            first.billing_email
            or organisation.invoice_contact_email
            or (first.user.email if first.user_id else "")
        )
    else:
        buyer_name = _participant_name(first)
        buyer_cvr = ""
        buyer_email = first.billing_email or (first.user.email if first.user_id else "")
    invoice = Invoice.objects.create(
        kind=Invoice.Kind.INVOICE,
        series=Invoice.SERIES[Invoice.Kind.INVOICE],
        event=event,
        organisation=organisation,
        person=first.user if organisation is None else None,
        buyer_name=buyer_name[:200],
        buyer_cvr=buyer_cvr,
        buyer_ean=first.billing_ean,
        buyer_email=buyer_email,
        buyer_reference=_common([r.billing_reference for r in registrations], 100),
        requisition_number=_common([r.requisition_number for r in registrations], 50),
    )
    rate = _vat_rate(event=event, seller=seller)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            registration=registration,
            description=_line_description(event=event, registration=registration),
            participant=_participant_name(registration),
            quantity=Decimal(1),
            unit_price=registration_charge(registration=registration),
            vat_rate=rate,
            net_amount=registration_charge(registration=registration),
        )
        for registration in registrations
    )
    _totals_set(invoice)
    return invoice


def vat_breakdown(lines) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, taxable amount, VAT) per VAT rate, the VAT rounded per rate (EN 16931 BR-CO-17)."""
    taxable: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        taxable[money(line.vat_rate)] += money(line.net_amount)
    return [
        (rate, money(base), money(base * rate / Decimal(100)))
        for rate, base in sorted(taxable.items())
    ]


def _totals_set(invoice: Invoice) -> None:
    lines = list(invoice.lines.all())
    breakdown = vat_breakdown(lines)
    invoice.net_amount = money(sum((line.net_amount for line in lines), ZERO))
    invoice.vat_amount = money(sum((vat for _rate, _base, vat in breakdown), ZERO))
    invoice.total_amount = invoice.net_amount + invoice.vat_amount
    invoice.save(update_fields=["net_amount", "vat_amount", "total_amount"])


# --- issuing: numbers that never break --------------------------------------------------------


def _seller_snapshot(seller: SellerSettings) -> dict:
    return {
        "name": seller.name,
        "cvr": seller.cvr,
        "ean": seller.ean,
        "street": seller.street,
        "postcode": seller.postcode,
        "city": seller.city,
        "email": seller.email,
        "bank_name": seller.bank_name,
        "bank_reg_number": seller.bank_reg_number,
        "bank_account": seller.bank_account,
        "iban": seller.iban,
        "payment_days": seller.payment_days,
        "vat_exemption_reason": seller.vat_exemption_reason,
        "is_demo": seller.is_demo,
    }


def _counter_read(series: str, *, lock: bool) -> int:
    rows = InvoiceSeries.objects.select_for_update() if lock else InvoiceSeries.objects
    return rows.get(code=series).next_number


def _next_number(series: str, *, lock: bool = True) -> int:
    """Take the next number of the series. `lock=False` exists only for the concurrency
    test's control, which shows that two issuers then take the same number."""
    number = _counter_read(series, lock=lock)
    InvoiceSeries.objects.filter(code=series).update(next_number=number + 1)
    return number


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor=None, today=None, _lock: bool = True) -> Invoice:
    """Give a draft its number, date, due date and the seller's details; from here on it is
    never changed. The series counter row stays locked until the caller's transaction commits,
    so a rollback leaves no gap."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.is_draft:
        raise ValidationError(_("Only a draft can be issued."), code="not_draft")
    if not invoice.lines.exists():
        raise ValidationError(_("An invoice without lines cannot be issued."), code="empty")
    seller = SellerSettings.load()
    today = today or timezone.localdate()
    InvoiceSeries.objects.get_or_create(code=invoice.series)
    invoice.number = _next_number(invoice.series, lock=_lock)
    invoice.issue_date = today
    invoice.due_date = today + datetime.timedelta(days=seller.payment_days)
    invoice.seller = _seller_snapshot(seller)
    invoice.issued_at = timezone.now()
    invoice.issued_by = actor if actor is not None and actor.is_authenticated else None
    _transition(invoice, Status.ISSUED, actor=actor)
    invoice.save()
    return invoice


def invoice_update(*, invoice: Invoice, **fields) -> Invoice:
    """Change a draft's buyer details. An issued invoice is refused: credit it instead."""
    allowed = {"buyer_name", "buyer_email", "buyer_reference", "requisition_number", "buyer_ean"}
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not invoice.is_draft:
            raise ValidationError(
                _("An issued invoice cannot be changed; credit it instead."), code="immutable"
            )
        for name, value in fields.items():
            if name not in allowed:
                raise ValueError(f"Not a buyer field: {name}")
            setattr(invoice, name, value)
        invoice.full_clean()
        invoice.save()
    return invoice


# --- invoicing an event ------------------------------------------------------------------------


@dataclass
class EventInvoicing:
    invoices: list[Invoice] = field(default_factory=list)
    credit_notes: list[Invoice] = field(default_factory=list)


def event_invoice(*, event: Event, actor=None, today=None) -> EventInvoicing:
    # Invoices are written in the portal's language (Danish), whoever triggers them.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _event_invoice(event=event, actor=actor, today=today)


def _event_invoice(*, event: Event, actor=None, today=None) -> EventInvoicing:
    """Bring the event's invoices in line with its registrations: one invoice per paying
    organisation (or person without one) for what is owed and not yet billed, and a credit
    note, referencing the invoice, for what was billed and is no longer owed (or is owed at
    another amount). Free events produce nothing. Running it twice changes nothing."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    result = EventInvoicing()
    if event.is_free:
        return result
    seller = SellerSettings.load()
    billed = billed_registrations(event=event)
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )
    to_credit: dict[int, list[int]] = defaultdict(list)
    to_bill: dict[tuple, list[Registration]] = defaultdict(list)
    for registration in registrations:
        owed = registration_charge(registration=registration)
        billed_so_far = billed.get(registration.pk, Billed(ZERO, None, ZERO))
        already = billed_so_far.amount
        if already == owed:
            continue
        if already == 0 and 0 < owed <= billed_so_far.written_off:
            continue  # the secretariat credited it by hand: forgiven, not billed again
        if already > 0:
            to_credit[billed_so_far.invoice.pk].append(registration.pk)
        if owed > 0 and (registration.organisation_id or registration.user_id):
            # (A person who erased their account and had no organisation cannot be billed.)
            to_bill[_payer_key(registration)].append(registration)
    for invoice_pk, registration_ids in to_credit.items():
        invoice = Invoice.objects.get(pk=invoice_pk)
        result.credit_notes.append(
            invoice_credit(
                invoice=invoice, registration_ids=registration_ids, actor=actor, today=today
            )
        )
    for group in to_bill.values():
        draft = _draft_for(event=event, registrations=group, seller=seller)
        result.invoices.append(invoice_issue(invoice=draft, actor=actor, today=today))
    return result


def events_invoice_ended(*, now=None, within_days: int = 30) -> int:
    """For the beat task: invoice every paid event that ended within the last `within_days`
    days, when the settings ask for it. Returns the number of documents issued."""
    if not SellerSettings.load().auto_invoice_ended_events:
        return 0
    now = now or timezone.now()
    events = (
        Event.objects.with_start()
        .filter(last_end__lt=now, last_end__gte=now - datetime.timedelta(days=within_days))
        .exclude(member_price=0, non_member_price=0)
    )
    count = 0
    for event in events:
        try:
            result = event_invoice(event=event)
        except ValidationError:
            # One event's problem must not hold up the others; the secretariat sees it when
            # invoicing that event by hand.
            logger.exception("Automatic invoicing of event %s failed", event.pk)
            continue
        count += len(result.invoices) + len(result.credit_notes)
    return count


# --- credit notes ---------------------------------------------------------------------------


def invoice_credit(
    *,
    invoice: Invoice,
    actor=None,
    registration_ids: list[int] | None = None,
    write_off: bool = False,
    today=None,
) -> Invoice:
    """Issue a credit note referencing the invoice, for the lines of the given registrations
    (all lines when None). When the whole invoice is credited, it becomes 'credited'.
    `write_off`: the secretariat forgives what was owed (the seats are not billed again);
    otherwise the credit follows a change in the registrations (event_invoice)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _invoice_credit(
            invoice=invoice,
            actor=actor,
            registration_ids=registration_ids,
            write_off=write_off,
            today=today,
        )


def _invoice_credit(*, invoice: Invoice, actor, registration_ids, write_off, today) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_credit_note:
        raise ValidationError(_("A credit note cannot be credited."), code="credit_note")
    if invoice.is_draft or invoice.status == Status.CREDITED:
        raise ValidationError(
            _("Only an issued invoice that is not yet credited can be credited."),
            code="not_creditable",
        )
    already = defaultdict(lambda: ZERO)
    for line in InvoiceLine.objects.filter(invoice__credited_invoice=invoice).exclude(
        invoice__status=Status.DRAFT
    ):
        already[line.registration_id] += line.net_amount
    lines = [
        line
        for line in invoice.lines.all()
        if (registration_ids is None or line.registration_id in registration_ids)
        and line.net_amount - already[line.registration_id] > 0
    ]
    if not lines:
        raise ValidationError(_("Nothing on this invoice is left to credit."), code="nothing")
    note = Invoice.objects.create(
        kind=Invoice.Kind.CREDIT_NOTE,
        series=Invoice.SERIES[Invoice.Kind.CREDIT_NOTE],
        event=invoice.event,
        credited_invoice=invoice,
        is_write_off=write_off,
        organisation=invoice.organisation,
        person=invoice.person,
        buyer_name=invoice.buyer_name,
        buyer_cvr=invoice.buyer_cvr,
        buyer_ean=invoice.buyer_ean,
        buyer_email=invoice.buyer_email,
        buyer_reference=invoice.buyer_reference,
        requisition_number=invoice.requisition_number,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=note,
            registration_id=line.registration_id,
            description=(_("Credit: %(line)s") % {"line": line.description})[:300],
            participant=line.participant,
            quantity=line.quantity,
            unit_price=line.net_amount - already[line.registration_id],
            vat_rate=line.vat_rate,
            net_amount=line.net_amount - already[line.registration_id],
        )
        for line in lines
    )
    _totals_set(note)
    note = invoice_issue(invoice=note, actor=actor, today=today)
    credited_total = sum(
        (n.total_amount for n in invoice.credit_notes.exclude(status=Status.DRAFT)), ZERO
    )
    if credited_total >= invoice.total_amount:
        _transition(invoice, Status.CREDITED, actor=actor)
        invoice.credited_at = timezone.now()
        invoice.save(update_fields=["status", "credited_at"])
    return note


# --- delivery and payment --------------------------------------------------------------------


@transaction.atomic
def invoice_send(*, invoice: Invoice, actor=None) -> Invoice:
    """Deliver an issued invoice. Without an EAN: the PDF by mail through the outbox, to the
    organisation's invoice contact (or the person). With an EAN the UBL file goes through the
    NemHandel batch (invoices_xml_batch), which marks them sent."""
    from . import mail

    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != Status.ISSUED:
        raise ValidationError(_("Only an issued invoice can be sent."), code="not_issued")
    if invoice.is_electronic:
        raise ValidationError(
            _("%(invoice)s goes to an EAN number: download the XML batch for NemHandel.")
            % {"invoice": invoice},
            code="electronic",
        )
    if not invoice.buyer_email:
        raise ValidationError(
            _("%(invoice)s has no mail address to send to.") % {"invoice": invoice},
            code="no_address",
        )
    mail.invoice_mail_queue(invoice=invoice)
    _transition(invoice, Status.SENT, actor=actor)
    invoice.sent_at = timezone.now()
    invoice.save(update_fields=["status", "sent_at"])
    return invoice


@transaction.atomic
def invoices_mark_sent_electronically(*, invoices) -> int:
    count = 0
    for invoice in invoices:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status == Status.ISSUED and invoice.is_electronic:
            _transition(invoice, Status.SENT)
            invoice.sent_at = timezone.now()
            invoice.save(update_fields=["status", "sent_at"])
            count += 1
    return count


@transaction.atomic
def invoice_mark_paid(
    *, invoice: Invoice, actor=None, amount: Decimal | None = None, paid_on=None, note: str = ""
) -> Invoice:
    """Record the payment of an invoice (by hand, or matched from the bank file)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_credit_note:
        raise ValidationError(_("A credit note is not paid."), code="credit_note")
    _transition(invoice, Status.PAID, actor=actor)
    paid_on = paid_on or timezone.localdate()
    invoice.paid_at = timezone.make_aware(datetime.datetime.combine(paid_on, datetime.time(12)))
    invoice.paid_amount = invoice.total_amount if amount is None else money(amount)
    invoice.payment_note = note[:200]
    invoice.save(update_fields=["status", "paid_at", "paid_amount", "payment_note"])
    return invoice


@dataclass
class BankImport:
    paid: list[Invoice] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


NUMBER_IN_TEXT = re.compile(r"\b([A-Z])\s?-?(\d{1,9})\b")


def _amount(text: str) -> Decimal:
    text = text.strip().replace(" ", "")
    if "," in text:  # Danish: 1.234,50
        text = text.replace(".", "").replace(",", ".")
    return money(Decimal(text))


def _date(text: str):
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def bank_csv_import(*, content: bytes, actor=None) -> BankImport:
    """Mark invoices paid from a bank statement CSV (date; text; amount, with or without a
    header row, ';' or ','). A row matches when its text names an open invoice's number
    (F000123 or F123) and its amount equals that invoice's total; anything else is listed as
    unmatched for the secretariat to look at."""
    result = BankImport()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    dialect = ";" if text.count(";") >= text.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=dialect))
    except csv.Error as error:
        raise ValidationError(
            _("The file could not be read as CSV: %(error)s") % {"error": error}, code="csv"
        ) from error
    for row in rows:
        if len(row) < 3 or not "".join(row).strip():
            continue
        paid_on, memo, raw_amount = _date(row[0]), row[1], row[2]
        try:
            amount = _amount(raw_amount)
        except (InvalidOperation, ValueError):
            if paid_on is not None:
                result.unmatched.append(";".join(row))
            continue  # a header row
        invoice = None
        for series, number in NUMBER_IN_TEXT.findall(memo.upper()):
            invoice = (
                Invoice.objects.open()
                .filter(kind=Invoice.Kind.INVOICE, series=series, number=int(number))
                .first()
            )
            if invoice is not None:
                break
        if invoice is None or invoice.total_amount != amount:
            result.unmatched.append(";".join(row))
            continue
        result.paid.append(
            invoice_mark_paid(
                invoice=invoice,
                actor=actor,
                amount=amount,
                paid_on=paid_on,
                note=(_("Bank: %(text)s") % {"text": memo})[:200],
            )
        )
    return result
