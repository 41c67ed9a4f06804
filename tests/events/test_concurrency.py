"""No overbooking, ever: many sign-ups at once against the real PostgreSQL.

Each thread has its own database connection (Django gives every thread its own) and closes it
when done. The threads start together at a barrier; the count-then-insert window is widened
with a short sleep so that, without the row lock, they would all see free seats.
"""

import pytest

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from events import services
from events.models import Event, Registration
from tests.concurrency import all_at_once, errors_of, widen_race_window

pytestmark = pytest.mark.django_db(transaction=True)
Status = Registration.Status


def _widen_race_window(monkeypatch, seconds=0.02):
    widen_race_window(monkeypatch, services, "_seats_taken", seconds)


def _sign_up_all_at_once(event, users):
    outcomes = all_at_once(
        lambda user: services.event_signup(event=event, user=user, answers={}), users
    )
    return errors_of(outcomes)


@pytest.mark.parametrize("run", range(3))
def test_thirty_concurrent_sign_ups_for_ten_seats(monkeypatch, run):
    _widen_race_window(monkeypatch)
    event = EventFactory(capacity=10, member_price=0, non_member_price=0)
    users = UserFactory.create_batch(30)
    errors = _sign_up_all_at_once(event, users)
    assert errors == []

    registrations = list(Registration.objects.filter(event=event).order_by("created_at", "pk"))
    assert len(registrations) == 30
    confirmed = [r for r in registrations if r.status == Status.CONFIRMED]
    waiting = [r for r in registrations if r.status == Status.WAITING]
    assert len(confirmed) == 10
    assert len(waiting) == 20
    # Arrival order is the order in which the lock was granted: the first ten got the seats,
    # and the waiting list is numbered 1..20 in the order the others arrived.
    assert registrations[:10] == confirmed
    assert [r.waiting_position for r in waiting] == list(range(1, 21))
    assert Event.objects.with_seat_counts().get(pk=event.pk).seats_left == 0


def test_concurrent_cancellations_promote_each_waiting_person_once(monkeypatch):
    event = EventFactory(capacity=5, member_price=0, non_member_price=0)
    seated = [services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(5)]
    waiting = [services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(8)]
    _widen_race_window(monkeypatch)
    outcomes = all_at_once(
        lambda r: services.registration_cancel(registration=r, actor=r.user), seated
    )
    assert errors_of(outcomes) == []

    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [Status.CONFIRMED] * 5 + [Status.WAITING] * 3
    assert Registration.objects.filter(event=event).holding_seats().count() == 5


def test_without_the_lock_the_same_race_overbooks(monkeypatch):
    """Proof that the lock is what holds the line: the same sign-ups with the lock replaced
    by a plain read confirm more people than there are seats."""
    _widen_race_window(monkeypatch, seconds=0.1)
    monkeypatch.setattr(services, "_lock_event", lambda event: Event.objects.get(pk=event.pk))
    event = EventFactory(capacity=10, member_price=0, non_member_price=0)
    _sign_up_all_at_once(event, UserFactory.create_batch(30))
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() > 10


def test_the_same_person_clicking_twice_at_once_gets_one_registration(monkeypatch):
    _widen_race_window(monkeypatch)
    event = EventFactory(capacity=10, member_price=0, non_member_price=0)
    user = UserFactory()
    errors = _sign_up_all_at_once(event, [user] * 6)
    assert Registration.objects.filter(event=event, user=user).count() == 1
    assert len(errors) == 5
    assert all(getattr(e, "code", None) == "twice" for e in errors), errors
