"""Invoice numbers never break: many issuers at once against the real PostgreSQL.

Each thread has its own database connection. The threads start together at a barrier; the
read-then-write window of the counter is widened with a short sleep, so that without the row
lock they would all read the same next number (the control proves the lock is what helps).
"""

import pytest

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from invoicing import services
from invoicing.models import Invoice, InvoiceLine, InvoiceSeries
from tests.concurrency import all_at_once, errors_of, widen_race_window

from .conftest import late_deadline_event, sign_up

pytestmark = pytest.mark.django_db(transaction=True)


def _widen_race_window(monkeypatch, seconds=0.05):
    widen_race_window(monkeypatch, services, "_counter_read", seconds)


def _drafts(count):
    InvoiceSeries.objects.get_or_create(code="F")
    event = EventFactory()
    drafts = []
    for index in range(count):
        draft = Invoice.objects.create(event=event, series="F", buyer_name=f"Køber {index}")
        InvoiceLine.objects.create(
            invoice=draft, description="Deltagelse", unit_price=100, vat_rate=25, net_amount=100
        )
        drafts.append(draft)
    return drafts


def _all_at_once(target, items):
    return errors_of(all_at_once(target, items))


@pytest.mark.parametrize("run", range(2))
def test_ten_staff_issuing_at_once_get_consecutive_numbers(monkeypatch, run):
    _widen_race_window(monkeypatch)
    drafts = _drafts(10)
    errors = _all_at_once(lambda draft: services.invoice_issue(invoice=draft), drafts)
    assert errors == []
    numbers = sorted(Invoice.objects.filter(series="F").values_list("number", flat=True))
    assert numbers == list(range(1, 11))
    assert InvoiceSeries.objects.get(code="F").next_number == 11


def test_control_without_the_lock_numbers_collide(monkeypatch):
    """The same run without SELECT ... FOR UPDATE: issuers read the same next number, and the
    unique constraint turns the duplicates away (or, without it, numbers would repeat)."""
    _widen_race_window(monkeypatch)
    drafts = _drafts(10)
    errors = _all_at_once(lambda draft: services.invoice_issue(invoice=draft, _lock=False), drafts)
    issued = Invoice.objects.filter(series="F").exclude(number=None).count()
    assert errors, "without the lock every issuer should not have got a number of its own"
    assert issued < 10


def test_two_staff_invoicing_the_same_event_bill_each_seat_once():
    event = late_deadline_event()
    for _ in range(4):
        sign_up(event, UserFactory())
    errors = _all_at_once(lambda _n: services.event_invoice(event=event), [1, 2])
    assert errors == []
    assert Invoice.objects.filter(event=event).count() == 4
    assert InvoiceLine.objects.filter(invoice__event=event).count() == 4
