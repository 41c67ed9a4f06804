"""Dates and amounts the page language's way: Danish on the Danish pages, English under /en/
(almennet/formats, almennet/templatetags/prices.py, locale/en)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from devtools.factories.events import EventFactory
from devtools.factories.projects import ProjectFactory


def _render(text: str, **context) -> str:
    return Template("{% load prices %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("language", "amount", "decimals", "expected"),
    [
        ("da", Decimal("1500"), 2, "1.500,00 kr."),
        ("en", Decimal("1500"), 2, "DKK 1,500.00"),
        ("da", Decimal("2500000"), 0, "2.500.000 kr."),
        ("en", Decimal("2500000"), 0, "DKK 2,500,000"),
        ("da", None, 2, ""),
        ("da", "nonsense", 2, ""),
    ],
)
def test_kroner(language, amount, decimals, expected):
    with translation.override(language):
        assert _render("{{ amount|kroner:decimals }}", amount=amount, decimals=decimals) == (
            expected
        )


def test_named_date_formats_in_each_language():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 15, 9, 0))
    template = (
        '{{ moment|date:"l" }} {{ moment|date:"DATETIME_FORMAT" }}|{{ moment|date:"DATE_FORMAT" }}'
    )
    with translation.override("da"):
        assert (
            _render(template, moment=moment) == "tirsdag 15. december 2026 09:00|15. december 2026"
        )
    with translation.override("en"):
        assert _render(template, moment=moment) == (
            "Tuesday 15 December 2026, 09:00|15 December 2026"
        )


@pytest.mark.django_db
def test_event_page_in_english_has_english_dates_and_prices(client):
    event = EventFactory(member_price=Decimal("1500.00"), non_member_price=Decimal("2250.00"))
    start = timezone.make_aware(datetime.datetime(2030, 3, 5, 9, 0))
    event.sessions.update(starts_at=start, ends_at=start + datetime.timedelta(hours=6))
    english = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Members: DKK 1,500.00<br>Non-members: DKK 2,250.00" in english
    assert "Tuesday 5 March 2030, 09:00" in english
    assert " kr." not in english and "5. March" not in english
    danish = client.get(f"/events/{event.slug}/").content.decode()
    assert "1.500,00 kr." in danish and "tirsdag 5. marts 2030 09:00" in danish


@pytest.mark.django_db
def test_project_amounts_in_english(client):
    project = ProjectFactory(budget=Decimal("2500000"))
    assert "DKK 2,500,000" in client.get(f"/en/projects/{project.slug}/").content.decode()
    assert "2.500.000 kr." in client.get(f"/projects/{project.slug}/").content.decode()
