"""A visitor filters the event list by month in the browser: the month list offers only months
that have events, and choosing one shows that month's events."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from devtools.factories.events import EventFactory


def test_month_filter_offers_only_months_with_events(page):
    soon = EventFactory(title="Seminar om tryghed")
    later = EventFactory(title="Kursus i beboerdemokrati")
    start = soon.sessions.get().starts_at + datetime.timedelta(days=120)
    later.sessions.update(starts_at=start, ends_at=start + datetime.timedelta(hours=6))
    months = [
        timezone.localtime(event.sessions.get().starts_at).strftime("%Y-%m")
        for event in (soon, later)
    ]

    page.goto(page.base_url + "/events/")
    select = page.locator("select[name=month]")
    expect(select).to_be_visible()
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert values == ["", *months]  # "Any month", then the two months, nothing between

    select.select_option(months[1])
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    expect(page.get_by_role("link", name="Kursus i beboerdemokrati")).to_be_visible()
    expect(page.get_by_role("link", name="Seminar om tryghed")).to_have_count(0)
