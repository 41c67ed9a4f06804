"""Shared by the strategy services: the audit row and the staff check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import (
    AuditEntry,
)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def audit(*, actor, action: str, round=None, focus_area=None, **data) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        round=round,
        focus_area=focus_area,
        data=data,
    )


def _require_staff(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only the secretariat may do this."))
