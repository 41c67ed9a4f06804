"""Calendar files (RFC 5545) with the icalendar library: one event, and the feed of all."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from .models import Event

PRODID = "-//AlmenNet//Portal//DA"
REMINDER_BEFORE = datetime.timedelta(days=1)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _components(event: Event, *, with_alarm: bool) -> Iterable[CalendarEvent]:
    url = settings.SITE_URL + event.get_absolute_url()
    sessions = list(event.sessions.all())
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    for number, session in enumerate(sessions, start=1):
        component = CalendarEvent()
        component.add("uid", f"event-{event.pk}-session-{session.pk}@almennet.dk")
        summary = event.title
        if len(sessions) > 1:
            summary = f"{event.title} ({number}/{len(sessions)})"
        if session.title:
            summary = f"{summary}: {session.title}"
        component.add("summary", summary)
        component.add("dtstart", session.starts_at.astimezone(datetime.UTC))
        component.add("dtend", session.ends_at.astimezone(datetime.UTC))
        component.add("dtstamp", timezone.now().astimezone(datetime.UTC))
        component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
        component.add("url", url)
        if location:
            component.add("location", location)
        component.add("description", f"{event.summary}\n\n{url}".strip())
        if with_alarm:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", event.title)
            alarm.add("trigger", -REMINDER_BEFORE)
            component.add_component(alarm)
        yield component


def event_ics(*, event: Event) -> bytes:
    """The calendar file for one event: a VEVENT per session, each with a reminder alarm."""
    calendar = _calendar(event.title)
    for component in _components(event, with_alarm=True):
        calendar.add_component(component)
    return calendar.to_ical()


def events_feed_ics(*, events: Iterable[Event]) -> bytes:
    """The subscribable feed of all published events (no alarms: a subscriber's calendar
    should not ring for every event the association holds). Prefetch the sessions."""
    calendar = _calendar("AlmenNet")
    for event in events:
        for component in _components(event, with_alarm=False):
            calendar.add_component(component)
    return calendar.to_ical()
