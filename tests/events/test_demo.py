import io

import pytest

from devtools.demo import events as demo
from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_has_the_kinds_of_the_issue():
    try:
        from devtools.demo import members as members_demo
    except ImportError:  # pragma: no cover - members demo not there: events seeds alone
        members_demo = None
    if members_demo is not None:
        members_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    counts = (Event.objects.count(), Registration.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (Event.objects.count(), Registration.objects.count()) == counts
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"annual_seminar", "network_meeting", "course", "council_meeting", "summit"} <= kinds
    assert Event.objects.published().upcoming().count() >= 5
    assert Event.objects.published().past().count() >= 2
    course = Event.objects.get(slug="kursus-beboerdemokrati")
    assert course.sessions.count() == 3
    if members_demo is not None:
        assert Registration.objects.exists()
        erfa = Event.objects.with_seat_counts().get(slug="erfa-netvaerk-boligsocial-indsats")
        assert erfa.seats_left == 0 and erfa.waiting_count == 2


def test_demo_without_people_still_seeds_events():
    demo.seed(stdout=io.StringIO())
    assert Event.objects.count() == len(demo.EVENTS)
    assert not Registration.objects.exists()
