"""Two staff members giving out the chair at the same moment: exactly one wins, and the other
gets the same clear validation error as if they had come second (not a database error).

Both tests widen the race window (a pause after Seat.full_clean(), before the save), so that
without the advisory lock in services.seat_create both pass the check before either commits.
The control takes the lock out and shows the loser then hitting the exclusion constraint as an
IntegrityError, as tests/events/test_concurrency.py does for sign-ups."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from devtools.factories.members import UserFactory
from members import services
from members.models import Seat
from tests.concurrency import all_at_once, widen_race_window


def _widen_race_window(monkeypatch, seconds=0.2):
    widen_race_window(monkeypatch, Seat, "full_clean", seconds)


def _appoint(user) -> str:
    services.seat_create(
        user=user,
        body=Seat.Body.BOARD,
        role=Seat.Role.CHAIR,
        starts_on=datetime.date(2025, 4, 1),
        actor=None,
    )
    return "created"


def _appoint_two_chairs_at_once() -> list[str]:
    names = {ValidationError: "refused", IntegrityError: "integrity error"}
    return [
        names.get(type(outcome), f"error: {outcome!r}")
        if isinstance(outcome, Exception)
        else outcome
        for outcome in all_at_once(_appoint, [UserFactory(), UserFactory()], timeout=30)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_chairs_one_wins_the_other_gets_a_validation_error(monkeypatch):
    _widen_race_window(monkeypatch)
    outcomes = _appoint_two_chairs_at_once()
    assert sorted(outcomes) == ["created", "refused"]
    assert Seat.objects.filter(role=Seat.Role.CHAIR).count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_ends_in_a_database_error(monkeypatch):
    """Proof that the lock is what turns the race into a clear refusal: with it replaced by a
    no-op, both appointments pass Seat.clean() and the loser meets the exclusion constraint."""
    _widen_race_window(monkeypatch)
    monkeypatch.setattr(services, "_lock_seats", lambda body: None)
    outcomes = _appoint_two_chairs_at_once()
    assert sorted(outcomes) == ["created", "integrity error"]
    assert Seat.objects.filter(role=Seat.Role.CHAIR).count() == 1
