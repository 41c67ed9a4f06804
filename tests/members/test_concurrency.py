"""Two staff members giving out the chair at the same moment: exactly one wins, and the other
gets the same clear validation error as if they had come second (not a database error).

Without the advisory lock in services.seat_create both pass Seat.clean() before either commits,
and the loser hits the exclusion constraint as an IntegrityError (seen when the lock is taken
out: the test then fails most runs)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from members import services
from members.models import Seat

from .factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_chairs_one_wins_the_other_gets_a_validation_error():
    candidates = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(len(candidates))
    outcomes: list[str] = []

    def appoint(user):
        try:
            barrier.wait(timeout=10)
            services.seat_create(
                user=user,
                body=Seat.Body.BOARD,
                role=Seat.Role.CHAIR,
                starts_on=datetime.date(2025, 4, 1),
                actor=None,
            )
            outcomes.append("created")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(user,)) for user in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["created", "refused"]
    assert Seat.objects.filter(role=Seat.Role.CHAIR).count() == 1
