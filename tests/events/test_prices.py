"""One price filter everywhere: "Gratis" for a free event, never "0,00 kr."; the course text
only on courses."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory
from events.models import Event

pytestmark = pytest.mark.django_db


def _render(value, language="da"):
    with translation.override(language):
        return Template("{% load prices %}{{ value|price }}").render(Context({"value": value}))


def test_price_filter():
    assert _render(Decimal("1950")) == "1.950,00 kr."
    assert _render(Decimal("0")) == "Gratis"
    assert _render(Decimal("0.00"), "en") == "Free"
    assert _render(Decimal("12.5")) == "12,50 kr."
    assert _render(None) == "" and _render("nonsense") == ""


def test_free_event_says_gratis_everywhere(client):
    member = AffiliationFactory().user
    event = EventFactory(member_price=0, non_member_price=0, title="Gratis møde")
    registration = RegistrationFactory(event=event, user=member, price=0)
    client.force_login(member)
    for url in ["/events/", event.get_absolute_url(), "/events/mine/"]:
        text = client.get(url).content.decode()
        assert "0,00 kr." not in text and "Gratis" in text, url
    assert registration.pk


def test_paid_event_prices_use_the_filter(client):
    event = EventFactory(member_price=Decimal("1950"), non_member_price=Decimal("3450"))
    text = client.get(event.get_absolute_url()).content.decode()
    assert "1.950,00 kr." in text and "3.450,00 kr." in text
    assert "1.950,00 kr." in client.get("/events/").content.decode()


def _three_days():
    start = timezone.now() + datetime.timedelta(days=10)
    return [
        (start + datetime.timedelta(days=n), start + datetime.timedelta(days=n, hours=5))
        for n in range(3)
    ]


def test_course_text_only_on_courses(client):
    course = EventFactory(kind=Event.Kind.COURSE, sessions=_three_days())
    seminar = EventFactory(kind=Event.Kind.ANNUAL_SEMINAR, sessions=_three_days())
    assert "Kurset løber over 3 dage" in client.get(course.get_absolute_url()).content.decode()
    assert "Kurset løber over" not in client.get(seminar.get_absolute_url()).content.decode()
