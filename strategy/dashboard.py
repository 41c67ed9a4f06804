"""strategy's panels on the secretariat's start page: proposals to moderate, new comments to
read, and the voting rounds open now with their turnout."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from almennet.dashboard import ROW_LIMIT, Panel, Row, register_panel

from .models import Comment, FocusArea, VotingRound

# Comments are shown at once and hidden by staff afterwards; the start page lists the ones
# written lately, for the secretariat to read.
RECENT_COMMENTS = datetime.timedelta(days=14)


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def proposals_rows() -> list[Row]:
    proposals = (
        FocusArea.objects.filter(moderation=FocusArea.Moderation.PENDING)
        .select_related("proposer")
        .order_by("created_at", "pk")[:ROW_LIMIT]
    )
    return [
        Row(
            label=proposal.title,
            url=reverse("admin:strategy_focusarea_change", args=[proposal.pk]),
            detail=" · ".join(
                part
                for part in (
                    (proposal.proposer.get_full_name() or proposal.proposer.email)
                    if proposal.proposer
                    else "",
                    _date(proposal.created_at),
                )
                if part
            ),
        )
        for proposal in proposals
    ]


def comments_rows() -> list[Row]:
    since = timezone.now() - RECENT_COMMENTS
    comments = (
        Comment.objects.filter(is_hidden=False, created_at__gte=since)
        .select_related("author", "focus_area")
        .order_by("-created_at", "-pk")[:ROW_LIMIT]
    )
    return [
        Row(
            label=f"{comment.author.get_full_name() or comment.author.email} – "
            f"{comment.focus_area.title}",
            url=reverse("admin:strategy_comment_change", args=[comment.pk]),
            detail=f"{_date(comment.created_at)} · {comment.body[:100]}",
        )
        for comment in comments
    ]


def open_rounds_rows() -> list[Row]:
    now = timezone.now()
    rounds = (
        VotingRound.objects.filter(opened_at__isnull=False, closed_at__isnull=True)
        .annotate(
            electorate_size=Count("voters", distinct=True),
            voted=Count("voters", filter=Q(voters__has_voted=True), distinct=True),
        )
        .order_by("closes_at", "pk")[:ROW_LIMIT]
    )
    rows = []
    for voting_round in rounds:
        percent = (
            round(100 * voting_round.voted / voting_round.electorate_size)
            if voting_round.electorate_size
            else 0
        )
        closes = (
            _g("closed %(date)s, not counted yet")
            if voting_round.closes_at <= now
            else _g("closes %(date)s")
        ) % {"date": _date(voting_round.closes_at)}
        rows.append(
            Row(
                label=voting_round.title,
                url=reverse("admin:strategy_votinground_change", args=[voting_round.pk]),
                detail=_g("%(voted)d of %(size)d have voted (%(percent)d %%)")
                % {
                    "voted": voting_round.voted,
                    "size": voting_round.electorate_size,
                    "percent": percent,
                }
                + f" · {closes}",
                percent=percent,
            )
        )
    return rows


def register() -> None:
    register_panel(
        Panel(
            key="focus_area_proposals",
            title=_("Focus-area proposals waiting"),
            permission="strategy.change_focusarea",
            rows=proposals_rows,
            url=lambda: (
                reverse("admin:strategy_focusarea_changelist") + "?moderation__exact=pending"
            ),
            link_label=_("Moderate proposals"),
            empty=_("No proposals are waiting."),
            order=20,
        )
    )
    register_panel(
        Panel(
            key="comments",
            title=_("New comments to read"),
            permission="strategy.change_comment",
            rows=comments_rows,
            url=lambda: reverse("admin:strategy_comment_changelist") + "?is_hidden__exact=0",
            link_label=_("Moderate comments"),
            empty=_("No new comments in the last 14 days."),
            order=25,
        )
    )
    register_panel(
        Panel(
            key="open_rounds",
            title=_("Open voting rounds"),
            permission="strategy.change_votinground",
            rows=open_rounds_rows,
            url=lambda: reverse("admin:strategy_votinground_changelist"),
            link_label=_("All voting rounds"),
            empty=_("No voting round is open."),
            order=40,
        )
    )
