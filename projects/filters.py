import django_filters
from django.utils.translation import gettext_lazy as _

from almennet.related import list_filters_add
from members.models import Organisation

from .models import Project


def _owners(request):
    return Organisation.objects.filter(owned_projects__is_published=True).distinct()


def _partners(request):
    return Organisation.objects.filter(
        project_participations__project__is_published=True
    ).distinct()


def plausible_year(value) -> int | None:
    """A whole year a person might mean, or None (a year filter then does nothing)."""
    try:
        year = int(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return year if year == value and 1900 <= year <= 2200 else None


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the filter form's widgets, which the template renders by hand;
    the filters higher apps registered for the model (almennet/related.py) join the set."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        list_filters_add(self)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            css = "form-select" if getattr(widget, "input_type", "") == "select" else "form-control"
            widget.attrs.setdefault(
                "class",
                f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm",
            )
        return form


class ProjectFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices)
    owner = django_filters.ModelChoiceFilter(
        label=_("Project owner"), field_name="owner", queryset=_owners, to_field_name="slug"
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Participating organisation"),
        queryset=_partners,
        to_field_name="slug",
        method="filter_partner",
    )
    year = django_filters.NumberFilter(label=_("Running in year"), method="filter_year")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("updated_at", "updated"), ("title", "title"), ("starts_on", "start")),
        choices=[
            ("-updated", _("Recently updated")),
            ("updated", _("Least recently updated")),
            ("title", _("Title A–Å")),
            ("-title", _("Title Å–A")),
            ("-start", _("Newest start")),
            ("start", _("Oldest start")),
        ],
        empty_label=None,
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_partner(self, queryset, name, value):
        return queryset.filter(participants__organisation=value).distinct()

    def filter_year(self, queryset, name, value):
        year = plausible_year(value)
        return queryset if year is None else queryset.active_in_year(year)
