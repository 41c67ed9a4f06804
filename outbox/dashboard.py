"""The outbox's panel on the secretariat's start page: mail that failed."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from almennet.dashboard import ROW_LIMIT, Panel, Row, register_panel

from .models import OutboxMessage


def failed_mail_rows() -> list[Row]:
    failed = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED)
        .only("pk", "to", "subject", "last_error", "created_at")
        .order_by("-created_at", "-pk")[:ROW_LIMIT]
    )
    return [
        Row(
            label=f"{message.to}: {message.subject}",
            url=reverse("admin:outbox_outboxmessage_change", args=[message.pk]),
            detail=formats.date_format(timezone.localtime(message.created_at), "SHORT_DATE_FORMAT")
            + (f" · {message.last_error[:120]}" if message.last_error else ""),
        )
        for message in failed
    ]


def register() -> None:
    register_panel(
        Panel(
            key="failed_mail",
            title=_("Mail that failed"),
            permission="outbox.view_outboxmessage",
            rows=failed_mail_rows,
            url=lambda: reverse("admin:outbox_outboxmessage_changelist") + "?status__exact=failed",
            link_label=_("See failed mail and send it again"),
            empty=_("No mail has failed."),
            order=50,
        )
    )
