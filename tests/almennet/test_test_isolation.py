"""Process-wide state one test leaves must not reach the next: under pytest-xdist a process
runs many modules one after another, in an order the plain run never gives."""

from celery._state import task_join_will_block
from celery.result import denied_join_result


def test_threads_running_eager_tasks_can_leave_celerys_flag_set():
    """What two threads do when their eager tasks overlap (enter, enter, leave, leave): the
    second restores the value it found while the first was inside, so the flag stays set."""
    first, second = denied_join_result(), denied_join_result()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert task_join_will_block()  # left set, as after the concurrency tests


def test_the_next_test_starts_with_the_flag_cleared():
    """tests/conftest.py's _eager_celery clears it after every test; without that this test
    (and any later `.delay().get()`) met "Never call result.get() within a task!"."""
    assert not task_join_will_block()
