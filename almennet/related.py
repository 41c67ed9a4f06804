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
class ListFilter:
    """`build()` returns a django-filter Filter, added to the model's filter set as `name`.
    `annotate(queryset)` may prefetch what the list shows for it (or return it unchanged)."""

    model: str
    name: str
    build: Callable[[], Any]
    annotate: Callable[[Any], Any] = lambda queryset: queryset
    order: int = 100


_related: dict[tuple[str, str], RelatedList] = {}
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


def register_list_filter(entry: ListFilter) -> None:
    _filters[(entry.model, entry.name)] = entry


def list_filters(model) -> list[ListFilter]:
    label = _label(model)
    return sorted(
        (e for (m, _name), e in _filters.items() if m == label), key=lambda e: (e.order, e.name)
    )
