"""The secretariat's start page (`/admin/`): what needs doing, one panel per app.

The admin index sits above every app, yet must not import them all. Each app registers its
panels here from its AppConfig.ready() (as members/registry.py does for organisation pages);
templates/admin/index.html shows the panels the user has the permission for, above Django's
app list. This module imports no app of the portal.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    """One thing to act on: a label that links to where it is done, and a short detail."""

    label: str
    url: str = ""
    detail: str = ""
    # A share in per cent (an event's fill rate) shown as a bar; None shows none.
    percent: int | None = None


@dataclass(frozen=True)
class Panel:
    """`rows()` returns at most a handful of rows in one or two queries; `url` is the list
    where all of them are handled. Only users with `permission` see the panel."""

    key: str
    title: Any  # a lazy translated string
    permission: str
    rows: Callable[[], list[Row]]
    url: Callable[[], str]
    link_label: Any
    empty: Any  # what the panel says when there is nothing to do
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    rows: list[Row]
    url: str


_panels: dict[str, Panel] = {}

# How many rows a panel shows; the link leads to the rest.
ROW_LIMIT = 8


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def panels_for(*, user) -> list[ShownPanel]:
    """The panels this user may see, filled. A user without a panel's permission never runs
    its query."""
    if not getattr(user, "is_staff", False) or not user.is_active:
        return []
    return [
        ShownPanel(panel=panel, rows=panel.rows(), url=panel.url())
        for panel in panels()
        if user.has_perm(panel.permission)
    ]
