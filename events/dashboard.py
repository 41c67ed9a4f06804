"""events' panel on the secretariat's start page: the next events, how full they are and who
waits."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from almennet.dashboard import ROW_LIMIT, Panel, Row, register_panel

from .models import Event


def next_events_rows() -> list[Row]:
    events = Event.objects.published().upcoming().with_seat_counts()[:ROW_LIMIT]
    rows = []
    for event in events:
        parts = []
        if event.first_start:
            parts.append(formats.date_format(timezone.localtime(event.first_start), "j. M"))
        percent = None
        if event.capacity:
            percent = min(100, round(100 * event.confirmed_count / event.capacity))
            parts.append(
                _g("%(taken)d of %(capacity)d seats (%(percent)d %%)")
                % {"taken": event.confirmed_count, "capacity": event.capacity, "percent": percent}
            )
        if event.waiting_count:
            parts.append(
                ngettext(
                    "%(count)d on the waiting list",
                    "%(count)d on the waiting list",
                    event.waiting_count,
                )
                % {"count": event.waiting_count}
            )
        rows.append(
            Row(
                label=event.title,
                url=reverse("admin:events_registration_changelist")
                + f"?event__id__exact={event.pk}",
                detail=" · ".join(parts),
                percent=percent,
            )
        )
    return rows


def register() -> None:
    register_panel(
        Panel(
            key="next_events",
            title=_("The next events"),
            permission="events.change_registration",
            rows=next_events_rows,
            url=lambda: reverse("admin:events_event_changelist"),
            link_label=_("All events"),
            empty=_("No events are coming up."),
            order=30,
        )
    )
