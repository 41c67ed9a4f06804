import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SIZE_BANDS, Organisation


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search member organisations"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or municipality")}),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Organisation.Region.choices, empty_label=_("All regions")
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"),
        choices=[(key, label) for key, label, _low, _high in SIZE_BANDS],
        method="filter_size",
        empty_label=_("All sizes"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "region", "size"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_size(self, queryset, name, value):
        return queryset.in_size_band(value)
