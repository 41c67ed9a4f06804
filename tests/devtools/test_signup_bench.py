"""The sign-up rush's own checks (devtools/bench/signup.py): what it makes, and that its
database check sees a seat sold twice over and a broken waiting list (a double registration
the database's constraint already refuses)."""

import datetime

import pytest
from django.utils import timezone

from devtools.bench import signup
from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import UserFactory
from events import services
from events.models import Event, Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_prepare_makes_open_events_and_logged_in_people():
    plan = signup._prepare(run="t1", hot=False, people=5, capacity=3)
    assert len(plan["events"]) == signup.SPREAD_EVENTS
    event = Event.objects.get(slug=plan["events"][0]["slug"])
    assert services.event_signup_problem(event=event) is None
    assert event.capacity == 3 and event.is_free
    assert len(plan["people"]) == 5 and all(p["sessionid"] for p in plan["people"])


def test_prepared_sessions_log_the_person_in(client):
    plan = signup._prepare(run="t2", hot=True, people=1, capacity=3)
    client.cookies["sessionid"] = plan["people"][0]["sessionid"]
    page = client.get(f"/events/{plan['events'][0]['slug']}/")
    assert page.status_code == 200
    assert page.wsgi_request.user.email == plan["people"][0]["email"]


def test_a_clean_rush_passes_the_check():
    event = EventFactory(capacity=2, member_price=0, non_member_price=0)
    for _ in range(4):
        services.event_signup(event=event, user=UserFactory(), answers={})
    outcome = signup._check(event_ids=[event.pk])
    assert outcome["oversold"] == [] and outcome["doubles"] == 0
    assert outcome["waiting_list_broken"] == []
    assert outcome["by_status"] == {"confirmed": 2, "waiting": 2}


def test_the_check_sees_an_oversold_event_and_a_broken_waiting_list():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)  # a second seat: oversold
    later = timezone.now() + datetime.timedelta(minutes=1)
    RegistrationFactory(event=event, status=Status.WAITING, waiting_position=2, created_at=later)
    outcome = signup._check(event_ids=[event.pk])
    assert outcome["oversold"] == [event.slug]
    assert outcome["waiting_list_broken"] == [event.slug]  # numbered 2 with nobody at 1
