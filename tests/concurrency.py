"""Running the same thing in many threads at once against the real PostgreSQL, for the
concurrency tests of sign-ups (tests/events), invoice numbers (tests/invoicing) and seats
(tests/members).

Each thread has its own database connection (Django gives every thread its own) and closes it
when done; the threads start together at a barrier. `widen_race_window` adds a pause after a
read, so that without the lock under test the threads would all see the same state."""

import threading
import time


def all_at_once(target, items, *, timeout: float = 120) -> list:
    """Calls target(item) for each item in its own thread, all released at once; returns what
    each call returned or raised (in the order they finished). Fails if a thread hangs."""
    barrier = threading.Barrier(len(items))
    outcomes = []

    def run(item):
        from django.db import connection

        try:
            barrier.wait(timeout=30)
            outcomes.append(target(item))
        except Exception as error:  # noqa: BLE001 - the test decides what an error means
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return outcomes


def errors_of(outcomes) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def widen_race_window(monkeypatch, owner, name: str, seconds: float) -> None:
    """Replaces owner.name (a function or method) by one that sleeps after the real call."""
    real = getattr(owner, name)

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(owner, name, slow)
