"""Reads of the outbox: what was sent to a person."""

from django.db.models import Q

from .models import OutboxMessage, SuppressedAddress
from .validators import email_normalise


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def user_mail_data(*, user) -> dict:
    """The mail sent to a person and whether their address fails, for their data export."""
    email = email_normalise(user.email)
    messages = OutboxMessage.objects.filter(Q(to=email) | Q(user=user)).order_by("created_at")
    return {
        "mail_sent": [
            {
                "to": m.to,
                "subject": m.subject,
                "status": m.status,
                "queued_at": m.created_at.isoformat(),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages
        ],
        "failing_address": SuppressedAddress.objects.filter(email=email).exists(),
    }
