"""members' panel on the secretariat's start page: affiliation requests waiting."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from almennet.dashboard import ROW_LIMIT, Panel, Row, register_panel

from .models import Affiliation


def affiliation_requests_rows() -> list[Row]:
    waiting = (
        Affiliation.objects.filter(confirmed_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("created_at", "pk")[:ROW_LIMIT]
    )
    return [
        Row(
            label=f"{affiliation.user.get_full_name() or affiliation.user.email} – "
            f"{affiliation.organisation.name}",
            url=reverse("admin:members_affiliation_change", args=[affiliation.pk]),
            detail=f"{affiliation.get_role_display()} · "
            + formats.date_format(timezone.localtime(affiliation.created_at), "SHORT_DATE_FORMAT"),
        )
        for affiliation in waiting
    ]


def register() -> None:
    register_panel(
        Panel(
            key="affiliation_requests",
            title=_("Affiliation requests waiting"),
            permission="members.change_affiliation",
            rows=affiliation_requests_rows,
            url=lambda: reverse("admin:members_affiliation_changelist") + "?confirmed=no",
            link_label=_("Confirm or refuse requests"),
            empty=_("No requests are waiting."),
            order=10,
        )
    )
