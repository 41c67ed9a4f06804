import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from almennet.related import list_filters_add

from .models import Event, EventSession


def month_choices(*, today: datetime.date | None = None, back: int = 12, ahead: int = 18):
    today = today or timezone.localdate()
    first = today.replace(day=1)
    choices = []
    for offset in range(-back, ahead + 1):
        index = first.year * 12 + first.month - 1 + offset
        month = datetime.date(index // 12, index % 12 + 1, 1)
        choices.append((f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT")))
    return choices


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["month"].extra["choices"] = month_choices()
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
