"""Where a higher app puts its content on a lower app's page without the lower app naming it.

Apps form layers (README, "How the apps fit together"): strategy and newsletters above
publications, above projects, above events, above members, above the outbox. A focus area
(strategy) links events, projects and publications; a publication links projects and events.
The link is stored on the higher side, yet the lower page shows it ("Related: focus areas").
So the higher app registers, from its AppConfig.ready(), a reader for each lower model it
links to, and the lower page asks this module, as members/registry.py does for organisation
panels. The same for list filters: strategy adds "focus area" to the lists of events,
projects and publications. This module imports no app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RelatedList:
    """`read(obj=..., user=...)` returns the linked items the viewer may see (each with
    `get_absolute_url`), at most a page's worth. `key` names the kind in the page's `related`
    dict and its template ("focus_areas", "projects", "publications")."""

    model: str  # the page's model, as "app_label.ModelName"
    key: str
    read: Callable[..., list]
    order: int = 100


@dataclass(frozen=True)
class RowNote:
    """A line on each row of a model's list page ("Focus areas: A, B"): `read_many(ids)`
    returns {id: [titles]} for the rows on the page, in one query."""

    model: str
    key: str
    title: Any  # a lazy translated string
    read_many: Callable[[list[int]], dict[int, list[str]]]
    order: int = 100


@dataclass(frozen=True)
class ListFilter:
    """`build()` returns a django-filter Filter, added to the model's filter set as `name`,
    right after the filter named `after` (at the end without it)."""

    model: str
    name: str
    build: Callable[[], Any]
    after: str | None = None


_related: dict[tuple[str, str], RelatedList] = {}
_notes: dict[tuple[str, str], RowNote] = {}
_filters: dict[tuple[str, str], ListFilter] = {}


def _label(model_or_obj) -> str:
    return model_or_obj._meta.label


def register_related(entry: RelatedList) -> None:
    _related[(entry.model, entry.key)] = entry


def related_lists(*, obj, user) -> dict[str, list]:
    """What the registered apps link to `obj`, by key, in their order (empty lists left out)."""
    label = _label(obj)
    entries = sorted(
        (e for (model, _key), e in _related.items() if model == label),
        key=lambda e: (e.order, e.key),
    )
    found = {}
    for entry in entries:
        items = list(entry.read(obj=obj, user=user))
        if items:
            found[entry.key] = items
    return found


def register_row_note(entry: RowNote) -> None:
    _notes[(entry.model, entry.key)] = entry


def row_notes_add(rows) -> list:
    """Give each row of a list page `row_notes`: [(title, [titles])], non-empty ones only.
    One query per registered note, whatever the number of rows."""
    rows = list(rows)
    for row in rows:
        row.row_notes = []
    if not rows:
        return rows
    label = _label(rows[0])
    ids = [row.pk for row in rows]
    for entry in sorted(
        (e for (m, _k), e in _notes.items() if m == label), key=lambda e: (e.order, e.key)
    ):
        found = entry.read_many(ids)
        for row in rows:
            if found.get(row.pk):
                row.row_notes.append((entry.title, found[row.pk]))
    return rows


def register_list_filter(entry: ListFilter) -> None:
    _filters[(entry.model, entry.name)] = entry


def list_filters_add(filterset) -> None:
    """Add the filters registered for the filter set's model, each after the one it names.
    Call at the end of the filter set's __init__."""
    model = filterset._meta.model or filterset.queryset.model
    label = model._meta.label
    for entry in sorted((e for (m, _n), e in _filters.items() if m == label), key=lambda e: e.name):
        added = entry.build()
        added.parent = filterset
        added.model = model
        items = list(filterset.filters.items())
        names = [name for name, _filter in items]
        position = names.index(entry.after) + 1 if entry.after in names else len(items)
        items.insert(position, (entry.name, added))
        filterset.filters = type(filterset.filters)(items)
