"""Shared by the strategy services: the audit row and the permission check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import (
    AuditEntry,
)
from ..secrecy import RECEIPT_ALPHABET  # noqa: F401 - re-exported

# The model permission each kind of staff write needs. Staff rights come from the groups in
# members/groups.py; is_staff alone (an Event manager, say) gives no strategy rights.
MANAGE_ROUNDS = "strategy.change_votinground"
CONFIRM_PRIORITIES = "strategy.confirm_priorities"
MODERATE_FOCUS_AREAS = "strategy.change_focusarea"
MODERATE_COMMENTS = "strategy.change_comment"


def audit(*, actor, action: str, round=None, focus_area=None, at=None, **data) -> AuditEntry:
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        round=round,
        focus_area=focus_area,
        data=data,
    )
    if at is not None:
        entry.created_at = at
    entry.save()
    return entry


def _require_permission(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff and actor.has_perm(permission)):
        raise PermissionDenied(_("Only the secretariat may do this."))
