"""Shared by the strategy services: the permission check. (Who did what goes to the one
action log, activity.services.record().)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..secrecy import RECEIPT_ALPHABET  # noqa: F401 - re-exported

# The model permission each kind of staff write needs. Staff rights come from the groups in
# members/groups.py; is_staff alone (an Event manager, say) gives no strategy rights.
MANAGE_ROUNDS = "strategy.change_votinground"
CONFIRM_PRIORITIES = "strategy.confirm_priorities"
MODERATE_FOCUS_AREAS = "strategy.change_focusarea"
MODERATE_COMMENTS = "strategy.change_comment"


def _require_permission(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff and actor.has_perm(permission)):
        raise PermissionDenied(_("Only the secretariat may do this."))
