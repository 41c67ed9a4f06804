"""Where other apps plug into people and organisations without `members` importing them.

`members` imports none of the other apps (README.md, "How the apps fit together"). Yet an
organisation page shows its projects and event participation, my page shows a person's
registrations, votes and subscriptions, the engagement report counts sign-ups and projects, and
a person's data export and deletion must cover every app. Each app registers what it
contributes here, from its AppConfig.ready().
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EngagementMetric:
    """A column of the engagement report: per organisation id, a count within a period."""

    key: str
    label: Any  # a lazy translated string
    compute: Callable[[Iterable[int], datetime.date, datetime.date], dict[int, int]]
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A section on an organisation page or my page, rendered from `template` with the
    dict that `context` returns (None hides the panel). A my-page panel with `cached_under`
    is kept per person, as HTML, under the content version, the person's scope and the
    versions named there (almennet.page_cache.personal); it must then show nothing that a
    committed change does not move one of them for. None: rendered on every request."""

    key: str
    title: Any
    template: str
    context: Callable[..., dict | None]
    order: int = 100
    cached_under: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PersonalData:
    """What an app holds about a person: `export(user)` returns JSON-serialisable data for the
    download; `erase(user)` removes or anonymises it before the account is deleted."""

    key: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] = field(default=lambda user: None)


_engagement_metrics: dict[str, EngagementMetric] = {}
_organisation_panels: dict[str, Panel] = {}
_my_page_panels: dict[str, Panel] = {}
_personal_data: dict[str, PersonalData] = {}
_affiliation_confirmed: dict[str, Callable[..., None]] = {}


def register_engagement_metric(metric: EngagementMetric) -> None:
    _engagement_metrics[metric.key] = metric


def engagement_metrics() -> list[EngagementMetric]:
    return sorted(_engagement_metrics.values(), key=lambda m: (m.order, m.key))


def register_organisation_panel(panel: Panel) -> None:
    """`panel.context(organisation=..., user=...)`."""
    _organisation_panels[panel.key] = panel


def organisation_panels() -> list[Panel]:
    return sorted(_organisation_panels.values(), key=lambda p: (p.order, p.key))


def register_my_page_panel(panel: Panel) -> None:
    """`panel.context(user=...)`."""
    _my_page_panels[panel.key] = panel


def my_page_panels() -> list[Panel]:
    return sorted(_my_page_panels.values(), key=lambda p: (p.order, p.key))


def register_personal_data(entry: PersonalData) -> None:
    _personal_data[entry.key] = entry


def personal_data_sources() -> list[PersonalData]:
    return [_personal_data[key] for key in sorted(_personal_data)]


def register_affiliation_confirmed(key: str, callback: Callable[..., None]) -> None:
    """`callback(affiliation=..., actor=...)` runs inside the transaction that confirms a
    person's affiliation (events re-prices the sign-ups made while it was pending)."""
    _affiliation_confirmed[key] = callback


def affiliation_confirmed_callbacks() -> list[Callable[..., None]]:
    return [_affiliation_confirmed[key] for key in sorted(_affiliation_confirmed)]
