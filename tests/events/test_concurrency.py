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
    # The sign-up counts with _seats_and_last_in_line, a promotion with _seats_taken.
    widen_race_window(monkeypatch, services, "_seats_taken", seconds)
    widen_race_window(monkeypatch, services, "_seats_and_last_in_line", seconds)


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
    monkeypatch.setattr(
        services,
        "_lock_event_for_signup",
        lambda event: (
            Event.objects.filter(pk=event.pk).values_list("capacity", "requires_approval").get()
        ),
    )
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


def _event_row_is_locked(event) -> bool:
    """Whether another session holds the event's row lock right now (asked from a thread
    with its own connection, which gives up at once instead of waiting)."""
    from django.db import OperationalError, transaction

    def probe(_):
        try:
            with transaction.atomic():
                Event.objects.select_for_update(nowait=True).filter(pk=event.pk).exists()
        except OperationalError:
            return True
        return False

    return all_at_once(probe, [None], timeout=60)[0]


def test_the_mail_is_rendered_after_commit_without_the_event_lock(monkeypatch, mailoutbox):
    """The sign-up's transaction writes only the mail's intent; its text and calendar file
    are rendered by the task after commit, when the event's row lock has been released."""
    from django.db import transaction

    from events import mail as event_mail
    from outbox import registry

    event = EventFactory(capacity=1, member_price=0, non_member_price=0)
    seen = []
    real_parts = event_mail.registration_mail_parts

    def parts_watched(data):
        seen.append((transaction.get_connection().in_atomic_block, _event_row_is_locked(event)))
        return real_parts(data)

    monkeypatch.setitem(registry._renderers, event_mail.RENDERER, parts_watched)
    during = []
    real_queue = event_mail.registration_mail_queue

    def queue_watched(**kwargs):
        real_queue(**kwargs)
        during.append((_event_row_is_locked(event), len(seen)))

    monkeypatch.setattr(event_mail, "registration_mail_queue", queue_watched)
    user = UserFactory()
    registration = services.event_signup(event=event, user=user, answers={})

    assert during == [(True, 0)]  # queued under the lock, nothing rendered yet
    assert seen == [(False, False)]  # rendered after commit, outside any transaction and lock
    assert not transaction.get_connection().in_atomic_block
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert mailoutbox[0].attachments[0].filename == f"{event.slug}.ics"
    message = registration.user.outbox_messages.get()
    assert message.render_with == "" and message.subject == mailoutbox[0].subject


@pytest.mark.parametrize("run", range(2))
def test_a_full_event_numbers_its_waiting_list_in_arrival_order(monkeypatch, run):
    """Everyone arriving at once for a full event lands on the waiting list, numbered 1..n in
    the order the lock admitted them (created_at), with one waiting mail each."""
    from outbox.models import OutboxMessage

    event = EventFactory(capacity=3, member_price=0, non_member_price=0)
    seated = [services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(3)]
    _widen_race_window(monkeypatch)
    errors = _sign_up_all_at_once(event, UserFactory.create_batch(20))
    assert errors == []
    waiting = list(
        Registration.objects.filter(event=event, status=Status.WAITING).order_by("created_at")
    )
    assert [r.waiting_position for r in waiting] == list(range(1, 21))
    assert len({r.created_at for r in waiting}) == 20  # one arrival at a time
    assert all(w.created_at > s.created_at for w in waiting for s in seated)
    intents = OutboxMessage.objects.filter(template="events/mail/waiting")
    assert sorted(m.render_data["registration"] for m in intents) == sorted(r.pk for r in waiting)
