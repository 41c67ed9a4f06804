import datetime
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from almennet.related import list_filters_add

from .models import Event, EventSession

MONTH_VALUE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_choices(
    *, events, selected: str | None = None, newest_first: bool = False
) -> list[tuple[str, str]]:
    """The months (Copenhagen time) in which a session of one of the events starts, soonest
    first (the past events' list: latest first), in one query. A well-formed
    month already chosen stays offered, so a link to a month that has emptied shows an empty
    list rather than every event."""
    months = (
        EventSession.objects.filter(event__in=events.order_by().values("pk"))
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month", flat=True)
        .distinct()
    )
    days = {month.date() for month in months}
    if selected and (match := MONTH_VALUE.match(selected)):
        days.add(datetime.date(int(match[1]), int(match[2]), 1))
    return [
        (f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT"))
        for month in sorted(days, reverse=newest_first)
    ]


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, empty_label=_("All kinds")
    )
    month = django_filters.ChoiceFilter(
        label=_("Month"), choices=[], method="filter_month", empty_label=_("Any month")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=Event._meta.get_field("region").choices,
        empty_label=_("All regions"),
    )
    free_places = django_filters.BooleanFilter(
        label=_("Only events with free places"),
        method="filter_free_places",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Event
        fields = ["kind", "month", "region", "free_places"]

    def __init__(self, *args, newest_first: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only months with events to show (the list's own events: upcoming or past).
        self.filters["month"].extra["choices"] = month_choices(
            events=self.queryset,
            selected=self.data.get("month") if self.data else None,
            newest_first=newest_first,
        )
        list_filters_add(self)  # by focus area (strategy), after region

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        sessions = EventSession.objects.filter(
            event=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end
        )
        return queryset.filter(Exists(sessions))

    def filter_free_places(self, queryset, name, value):
        if value:
            return queryset.filter(seats_left__gt=0)
        return queryset
