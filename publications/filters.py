import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from projects.filters import StyledFilterSet, plausible_year

from .models import Publication, Tag


def _organisations(request):
    return Organisation.objects.filter(publications__is_published=True).distinct().order_by("name")


def _tags(request):
    return Tag.objects.filter(publications__is_published=True).distinct().order_by("name")


class PublicationFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Title contains"), method="filter_title")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Publication.Kind.choices)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="organisations",
        queryset=_organisations,
        to_field_name="slug",
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=_tags, to_field_name="slug"
    )
    year = django_filters.NumberFilter(label=_("Year"), method="filter_year")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("published_on", "date"), ("title", "title"), ("downloads", "downloads")),
        choices=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("title", _("Title A–Å")),
            ("-title", _("Title Å–A")),
            ("-downloads", _("Most downloaded")),
            ("downloads", _("Least downloaded")),
        ],
        empty_label=None,
    )

    class Meta:
        model = Publication
        fields: list[str] = []

    def filter_year(self, queryset, name, value):
        year = plausible_year(value)
        return queryset if year is None else queryset.filter(published_on__year=year)

    def filter_title(self, queryset, name, value):
        value = value.replace("\x00", "")[:200].strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
