"""Admin pieces every app's admin shares."""

from django.contrib import admin


class DanishSlugsMixin:
    """For a ModelAdmin with `prepopulated_fields`: the slug suggested while typing spells æ, ø
    and å as ae, oe and aa, as almennet.text.danish_slugify does on the server. Django's
    admin/js/urlify.js comes first in ModelAdmin.media, this script after it."""

    class Media:
        # urlify.js named first so the merged Media keeps it before this script.
        js = ["admin/js/urlify.js", "js/danish-slugs.js"]


def inline_add_text_install() -> None:
    """The admin's "Add another …" link under an inline reads as a sentence: Django writes
    capfirst(verbose_name) into it, which in Danish gave "Tilføj endnu en Session" (Danish
    capitalises no nouns). The name stays as written; an inline whose noun takes "et" in
    Danish sets `add_another_text` to the whole sentence ("Tilføj endnu et billede")."""
    import json

    from django.contrib.admin import helpers
    from django.utils.translation import gettext

    original = helpers.InlineAdminFormSet.inline_formset_data
    if getattr(original, "is_portal_version", False):
        return

    def inline_formset_data(self):
        data = json.loads(original(self))
        text = getattr(self.opts, "add_another_text", None)
        data["options"]["addText"] = (
            str(text)
            if text
            else (
                gettext("Add another %(verbose_name)s") % {"verbose_name": self.opts.verbose_name}
            )
        )
        return json.dumps(data)

    inline_formset_data.is_portal_version = True
    helpers.InlineAdminFormSet.inline_formset_data = inline_formset_data


def action_checkbox_install() -> None:
    """Each changelist row's selection checkbox, written as the same HTML directly. Django
    renders a `CheckboxInput` through the form renderer's template for every row: about a
    millisecond each, a hundred of them on every page of the registrations (of 200 ms)."""
    import functools

    from django.contrib.admin import ModelAdmin, helpers
    from django.utils.html import format_html
    from django.utils.translation import gettext

    original = ModelAdmin.action_checkbox
    if getattr(original, "is_portal_version", False):
        return

    @functools.wraps(original)
    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    action_checkbox.is_portal_version = True
    action_checkbox.django_version = original
    ModelAdmin.action_checkbox = action_checkbox


# The admin's search box, one lookup per prefix of a search field (as Django's own).
_SEARCH_LOOKUPS = {"^": "istartswith", "=": "iexact", "@": "search"}


class SubquerySearchMixin:
    """For a ModelAdmin whose search fields reach other tables (`user__email`): each related
    table is searched on its own, in a subquery (`user_id IN (SELECT id FROM members_user
    WHERE ...)`), instead of Django's joins of every related table and a DISTINCT. The
    subqueries use the related tables' trigram indexes (almennet/trigram.py) and the list
    needs no DISTINCT, so a search stays fast on 100,000 rows. The meaning is Django's: every
    word of the search must match at least one of the fields."""

    def get_search_results(self, request, queryset, search_term):
        from django.utils.text import smart_split, unescape_string_literal

        fields = [
            (field.lstrip("^=@"), _SEARCH_LOOKUPS.get(field[0], "icontains"))
            for field in self.get_search_fields(request)
        ]
        if not search_term or not fields:
            return queryset, False
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            queryset = queryset.filter(search_matching(queryset.model, fields, bit))
        return queryset, False


def search_matching(model, fields: list[tuple[str, str]], value):
    """A Q for rows of `model` where one of `fields` ((path, lookup) pairs) matches `value`;
    the fields behind one relation share one subquery."""
    from django.db.models import Q

    condition = Q()
    behind: dict[str, list[tuple[str, str]]] = {}
    for path, lookup in fields:
        name, _, rest = path.partition("__")
        field = model._meta.get_field(name) if rest else None
        if field is not None and field.is_relation:
            behind.setdefault(name, []).append((rest, lookup))
        else:
            condition |= Q(**{f"{path}__{lookup}": value})
    for name, inner_fields in behind.items():
        field = model._meta.get_field(name)
        related = field.related_model
        inner = related._base_manager.filter(search_matching(related, inner_fields, value))
        if field.concrete and (field.many_to_one or field.one_to_one):
            condition |= Q(**{f"{name}__in": inner.values("pk")})
        elif field.one_to_many or field.one_to_one:  # a reverse foreign key
            condition |= Q(pk__in=inner.values(field.field.attname))
        else:  # many-to-many, through its table
            matched = model._base_manager.filter(**{f"{name}__in": inner.values("pk")})
            condition |= Q(pk__in=matched.values("pk"))
    return condition


def year_filter(field: str, title) -> type[admin.SimpleListFilter]:
    """A list filter by the year of the date `field`, where a date hierarchy would cost too
    much: under a search the hierarchy runs the search twice more (the first and last date,
    then the distinct days or months), while these choices are the years of the whole table,
    one query that no search repeats. A value that is no year filters nothing."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__year"

        def lookups(self, request, model_admin):
            years = model_admin.model._default_manager.dates(field, "year", order="DESC")
            return [(str(day.year), str(day.year)) for day in years]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit() and len(value) == 4:
                return queryset.filter(**{f"{field}__year": int(value)})
            return queryset

    YearFilter.title = title
    YearFilter.__name__ = f"YearFilter_{field}"
    return YearFilter
