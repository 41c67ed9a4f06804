"""The rules of a voting round that the admin's form and the services both apply: what may
change when, what may go on a ballot, who may stand in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Seat

from ..models import FocusArea, VotingRound


def round_rules_locked(voting_round: VotingRound) -> bool:
    return voting_round.pk is not None and voting_round.ballots.exists()


def round_check_rule_change(
    *, voting_round: VotingRound, changed: set[str], closes_at=None, now=None
) -> None:
    """Refuse a change of the rules once a ballot exists, and of the electorate once the round
    has opened (the electorate is fixed then). The closing time of an open round may move
    while no ballot has been cast, but only into the future ("Close now" closes it at once);
    a counted round keeps its rules. Admin and services both call this."""
    changed = set(changed)
    if changed & set(VotingRound.RULE_FIELDS) and voting_round.is_counted:
        raise ValidationError(_("The round has been counted; its rules can no longer change."))
    if changed & set(VotingRound.RULE_FIELDS) and round_rules_locked(voting_round):
        raise ValidationError(
            _("Ballots have been cast in this round, so its rules can no longer change.")
        )
    if changed & {"electorate", "weight_by_homes"} and voting_round.opened_at is not None:
        raise ValidationError(_("The electorate was fixed when the round opened."))
    if (
        "closes_at" in changed
        and voting_round.opened_at is not None
        and closes_at is not None
        and closes_at <= (now or timezone.now())
    ):
        raise ValidationError(
            _("An open round closes in the future; use “Close now” to close it at once.")
        )


def round_check_items(focus_areas) -> None:
    """Only what the board may prioritise goes on a ballot (FocusArea.BALLOT_STATUSES, never an
    unmoderated proposal): refuse the rest by name."""
    ids = [f.pk for f in focus_areas]
    eligible = set(
        FocusArea.objects.ballot_eligible().filter(pk__in=ids).values_list("pk", flat=True)
    )
    refused = [str(f) for f in focus_areas if f.pk not in eligible]
    if refused:
        raise ValidationError(
            _("These focus areas cannot go on a ballot: %(titles)s.")
            % {"titles": ", ".join(refused)}
        )


def _require_not_opened(voting_round: VotingRound) -> None:
    if voting_round.opened_at is not None:
        raise ValidationError(_("The round has opened; its ballot and electorate are fixed."))


def round_check_stand_in(*, voting_round: VotingRound, substitute, stands_in_for) -> None:
    """The rules of a stand-in, for round_add_stand_in and for the admin's form."""
    _require_not_opened(voting_round)
    if voting_round.electorate != VotingRound.Electorate.BOARD:
        raise ValidationError(_("Stand-ins belong to board rounds."))
    on = timezone.localdate()
    seats = Seat.objects.current(on).board()
    if not seats.filter(user=substitute, role=Seat.Role.SUBSTITUTE).exists():
        raise ValidationError(_("Only a current board substitute can stand in."))
    if not seats.filter(user=stands_in_for).exclude(role=Seat.Role.SUBSTITUTE).exists():
        raise ValidationError(_("A substitute stands in for a current board member."))
