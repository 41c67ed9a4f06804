"""Voting rounds: rules and their lock, the electorate fixed at opening, ballots with receipts,
the close and the count."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record
from members.models import Affiliation, Organisation, Seat

from .. import counting, secrecy
from ..models import (
    Ballot,
    BallotChoice,
    BallotItem,
    FocusArea,
    StandIn,
    Voter,
    VotingRound,
)
from .common import MANAGE_ROUNDS, _require_permission
from .focus_areas import focus_area_set_status
from .round_rules import (
    _require_not_opened,
    round_check_items,
    round_check_rule_change,
    round_check_stand_in,
)


@transaction.atomic
def round_create(*, actor, focus_areas=(), **fields) -> VotingRound:
    _require_permission(actor, MANAGE_ROUNDS)
    focus_areas = list(focus_areas)
    round_check_items(focus_areas)
    voting_round = VotingRound(created_by=actor, **fields)
    voting_round.full_clean()
    voting_round.save()
    for position, focus_area in enumerate(focus_areas, start=1):
        BallotItem.objects.create(round=voting_round, focus_area=focus_area, position=position)
    record(actor, "round.created", voting_round, title=voting_round.title)
    return voting_round


@transaction.atomic
def round_update(*, voting_round: VotingRound, actor, **fields) -> VotingRound:
    _require_permission(actor, MANAGE_ROUNDS)
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    changed = {name for name, value in fields.items() if getattr(voting_round, name) != value}
    round_check_rule_change(
        voting_round=voting_round, changed=changed, closes_at=fields.get("closes_at")
    )
    for name, value in fields.items():
        setattr(voting_round, name, value)
    voting_round.full_clean()
    voting_round.save()
    record(actor, "round.updated", voting_round, fields=sorted(changed))
    return voting_round


@transaction.atomic
def round_set_items(*, voting_round: VotingRound, actor, focus_areas) -> None:
    _require_permission(actor, MANAGE_ROUNDS)
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    _require_not_opened(voting_round)
    focus_areas = list(focus_areas)
    round_check_items(focus_areas)
    voting_round.items.all().delete()
    for position, focus_area in enumerate(focus_areas, start=1):
        BallotItem.objects.create(round=voting_round, focus_area=focus_area, position=position)
    record(actor, "round.items", voting_round, focus_areas=[f.pk for f in focus_areas])


@transaction.atomic
def round_add_stand_in(*, voting_round: VotingRound, actor, substitute, stands_in_for) -> StandIn:
    """Let a board substitute vote in a named board member's place in this round."""
    _require_permission(actor, MANAGE_ROUNDS)
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    round_check_stand_in(
        voting_round=voting_round, substitute=substitute, stands_in_for=stands_in_for
    )
    stand_in = StandIn(round=voting_round, substitute=substitute, stands_in_for=stands_in_for)
    stand_in.full_clean()
    stand_in.save()
    record(
        actor,
        "round.stand_in",
        voting_round,
        substitute=substitute.pk,
        stands_in_for=stands_in_for.pk,
    )
    return stand_in


def _electorate(voting_round: VotingRound, on: datetime.date) -> list[Voter]:
    if voting_round.electorate == VotingRound.Electorate.BOARD:
        seats = (
            Seat.objects.current(on)
            .board()
            .exclude(role=Seat.Role.SUBSTITUTE)
            .select_related("user")
            .order_by("user_id")
        )
        members = {seat.user_id: seat.user for seat in seats}
        stand_ins = {
            s.stands_in_for_id: s for s in voting_round.stand_ins.select_related("substitute")
        }
        voters = []
        for user_id, user in members.items():
            stand_in = stand_ins.get(user_id)
            if stand_in:
                voters.append(
                    Voter(round=voting_round, user=stand_in.substitute, stands_in_for=user)
                )
            else:
                voters.append(Voter(round=voting_round, user=user))
        return voters
    # The representative council: one vote per member organisation, cast by the representative
    # the secretariat chose on the organisation (never whoever is a representative: that role
    # could once be asked for), optionally weighted by the organisation's homes. The chosen
    # person must still be a current, confirmed representative of it that day.
    representatives = (
        Affiliation.objects.counting_as_member(on)
        .filter(
            role=Affiliation.Role.REPRESENTATIVE,
            organisation__council_voter__isnull=False,
            user_id=F("organisation__council_voter_id"),
        )
        .select_related("organisation", "user")
        .order_by("organisation_id", "starts_on", "id")
    )
    voters, seen_orgs, seen_users = [], set(), set()
    for affiliation in representatives:
        if affiliation.organisation_id in seen_orgs or affiliation.user_id in seen_users:
            continue
        seen_orgs.add(affiliation.organisation_id)
        seen_users.add(affiliation.user_id)
        weight = affiliation.organisation.homes if voting_round.weight_by_homes else 1
        voters.append(
            Voter(
                round=voting_round,
                user=affiliation.user,
                organisation=affiliation.organisation,
                weight=weight,
            )
        )
    return voters


@transaction.atomic
def round_open(*, voting_round: VotingRound, actor, now=None) -> VotingRound:
    """Fix the electorate (Voter rows) and draw the order of the ballot by lot."""
    _require_permission(actor, MANAGE_ROUNDS)
    now = now or timezone.now()
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    _require_not_opened(voting_round)
    if voting_round.closes_at <= now:
        raise ValidationError(_("The closing time has passed; set a new one before opening."))
    items = list(voting_round.items.select_related("focus_area"))
    minimum = 2 if voting_round.is_ranked else 1
    if len(items) < minimum:
        raise ValidationError(_("Put at least %(n)s focus areas on the ballot.") % {"n": minimum})
    # Checked again: a focus area may have moved on (or been rejected) since it was put there.
    round_check_items([item.focus_area for item in items])
    if voting_round.weight_by_homes and voting_round.electorate != VotingRound.Electorate.COUNCIL:
        raise ValidationError(_("Only council rounds can be weighted by homes."))
    secrets.SystemRandom().shuffle(items)
    for position, item in enumerate(items, start=1):
        item.position = position
    BallotItem.objects.bulk_update(items, ["position"])
    voters = _electorate(voting_round, timezone.localdate(now))
    if not voters:
        raise ValidationError(_("Nobody is in this round's electorate."))
    Voter.objects.bulk_create(voters)
    voting_round.opened_at = now
    voting_round.save(update_fields=["opened_at"])
    # Every item may go to "On a ballot" (round_check_items); its page and dated status
    # history say so from now on, and the admin's message tells the secretariat.
    for item in items:
        if item.focus_area.status == FocusArea.Status.BALLOT:
            continue  # on another ballot already
        focus_area_set_status(
            focus_area=item.focus_area,
            status=FocusArea.Status.BALLOT,
            actor=actor,
            note=voting_round.title,
            at=now,
        )
    details = {}
    if voting_round.electorate == VotingRound.Electorate.COUNCIL:
        voting = {voter.organisation_id for voter in voters}
        details["without_voter"] = sorted(
            Organisation.objects.members(timezone.localdate(now))
            .exclude(pk__in=voting)
            .values_list("pk", flat=True)
        )
    record(
        actor,
        "round.opened",
        voting_round,
        electorate=len(voters),
        order=[item.focus_area_id for item in items],
        **details,
    )
    from .round_cycle import round_mail_opened  # round_cycle builds on this module

    round_mail_opened(voting_round=voting_round)
    return voting_round


# --- Voting ---------------------------------------------------------------------------------


def _validated_choices(voting_round: VotingRound, items: dict[int, BallotItem], approvals, ranks):
    if voting_round.is_ranked:
        if approvals:
            raise ValidationError(_("This round is ranked: give ranks, not ticks."))
        ranks = dict(ranks or {})
        cleaned = {}
        for item_id, rank in ranks.items():
            if item_id not in items:
                raise ValidationError(_("You voted for something that is not on this ballot."))
            if isinstance(rank, bool) or not isinstance(rank, int):
                raise ValidationError(_("Ranks are whole numbers."))
            if not 1 <= rank <= len(items):
                raise ValidationError(_("Ranks go from 1 to %(n)s.") % {"n": len(items)})
            cleaned[item_id] = rank
        if not cleaned:
            raise ValidationError(_("Rank at least one focus area."))
        if len(set(cleaned.values())) != len(cleaned):
            raise ValidationError(_("Two focus areas have the same rank; give each its own."))
        return cleaned
    if ranks:
        raise ValidationError(_("This round is by approval: tick focus areas, do not rank."))
    approvals = list(approvals or [])
    if len(set(approvals)) != len(approvals):
        raise ValidationError(_("A focus area was ticked twice."))
    for item_id in approvals:
        if item_id not in items:
            raise ValidationError(_("You voted for something that is not on this ballot."))
    if not approvals:
        raise ValidationError(_("Tick at least one focus area."))
    if len(approvals) > voting_round.max_choices:
        raise ValidationError(
            _("You can pick at most %(n)s focus areas.") % {"n": voting_round.max_choices}
        )
    return dict.fromkeys(approvals)


def _blur_round_ballots(voting_round: VotingRound) -> None:
    """Rewrite every ballot and choice row of the round, one by one in a random order, inside
    the casting transaction. PostgreSQL keeps the writing transaction's id (xmin) and the
    physical place (ctid) on each row version; without this the newest ballot would carry the
    same xmin as its voter's participation row and sit last on the table's page. After it, all
    ballots of the round share the newest xmin and lie in a random order."""
    rng = secrets.SystemRandom()
    ballot_ids = list(Ballot.objects.filter(round=voting_round).values_list("pk", flat=True))
    choice_ids = list(
        BallotChoice.objects.filter(ballot__round=voting_round).values_list("pk", flat=True)
    )
    rng.shuffle(ballot_ids)
    rng.shuffle(choice_ids)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Ballot._meta.db_table} SET receipt = receipt WHERE id = %s",  # noqa: S608 - the model's own table name
            [(pk,) for pk in ballot_ids],
        )
        cursor.executemany(
            f"UPDATE {BallotChoice._meta.db_table} SET rank = rank WHERE id = %s",  # noqa: S608 - the model's own table name
            [(pk,) for pk in choice_ids],
        )


@transaction.atomic
def ballot_cast(*, voting_round: VotingRound, user, approvals=None, ranks=None, now=None) -> Ballot:
    """Cast or change the user's ballot. ``approvals`` is a list of BallotItem ids (approval
    rounds); ``ranks`` maps BallotItem id -> rank (ranked rounds). Refused outside the window,
    for anyone outside the electorate, without two-factor authentication, and for items that
    are not on this round's ballot. The receipt code stays the same when the ballot changes.

    The ballot is anonymous (see Ballot): the voter's row only says that they have voted, and
    nothing is written to the audit log now; the close records who voted (round_close)."""
    from allauth.mfa.utils import is_mfa_enabled

    from .. import selectors

    now = now or timezone.now()
    # Lock the round: a ballot and the count at the close never interleave.
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    if not voting_round.is_open_for_voting(now) or voting_round.is_counted:
        raise ValidationError(_("Voting in this round is not open."))
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to vote."))
    voter = Voter.objects.filter(round=voting_round, user=user).first()
    if voter is None:
        raise PermissionDenied(_("You are not in this round's electorate."))
    if not is_mfa_enabled(user):
        raise PermissionDenied(_("Turn on two-factor authentication before you vote."))
    items = {item.pk: item for item in voting_round.items.all()}
    choices = _validated_choices(voting_round, items, approvals, ranks)
    link = secrecy.ballot_link(round_id=voting_round.pk, voter_id=voter.pk)
    ballot = selectors.ballot_of(voter=voter)
    if ballot is None:
        if voter.has_voted:
            # The server's key changed and the old one is not among the fallbacks: a second
            # ballot would count twice.
            raise ValidationError(
                _("Your ballot cannot be found, so it cannot be changed. Contact the secretariat.")
            )
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    round=voting_round,
                    link=link,
                    receipt=secrecy.ballot_receipt(round_id=voting_round.pk, voter_id=voter.pk),
                    weight=voter.weight,
                )
        except IntegrityError:  # pragma: no cover - a 60-bit receipt code met its twin
            raise ValidationError(_("Could not issue a receipt code; try again.")) from None
        voter.has_voted = True
        voter.save(update_fields=["has_voted"])
    else:
        if ballot.link != link:  # found under a fallback key: move it to the current one
            ballot.link = link
            ballot.save(update_fields=["link"])
        ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, item=items[item_id], rank=rank)
        for item_id, rank in choices.items()
    )
    _blur_round_ballots(voting_round)
    return ballot


# --- Closing and counting -------------------------------------------------------------------


def round_count(voting_round: VotingRound) -> dict:
    """Count the round's ballots into the JSON stored on the round."""
    items = list(voting_round.items.order_by("position", "id"))
    candidates = [item.pk for item in items]
    ballots = list(voting_round.ballots.prefetch_related("choices").order_by("receipt"))
    result: dict = {
        "method": voting_round.method,
        "candidates": candidates,
        "titles": {str(item.pk): item.focus_area.title for item in items},
        "ballots": len(ballots),
        "electorate": voting_round.voters.count(),
        "total_weight": sum(b.weight for b in ballots),
        "quorum": voting_round.quorum,
    }
    if voting_round.is_ranked:
        counted = counting.ranked_count(
            candidates=candidates,
            ballots=[
                counting.RankedBallot(
                    ranks={c.item_id: c.rank for c in b.choices.all()}, weight=b.weight
                )
                for b in ballots
            ],
        )
        result.update(
            ranking=counted.ranking,
            tiers=counted.tiers,
            borda={str(k): v for k, v in counted.borda.items()},
            borda_ranking=counted.borda_ranking,
            pairwise=[[counted.pairwise.get((x, y)) for y in candidates] for x in candidates],
            strongest=[[counted.strongest.get((x, y)) for y in candidates] for x in candidates],
            tie_broken=counted.tie_broken,
        )
    else:
        counted = counting.approval_count(
            candidates=candidates,
            ballots=[
                counting.ApprovalBallot(
                    approved=frozenset(c.item_id for c in b.choices.all()), weight=b.weight
                )
                for b in ballots
            ],
            max_choices=voting_round.max_choices,
        )
        result.update(
            ranking=counted.ranking,
            tiers=counted.tiers,
            totals={str(k): v for k, v in counted.totals.items()},
            tie_broken=counted.tie_broken,
        )
    return result


@transaction.atomic
def round_close(*, voting_round: VotingRound, now=None, actor=None) -> VotingRound:
    """Count a round whose closing time has passed; below quorum it closes as not valid.
    Idempotent: a counted round is returned as it is."""
    now = now or timezone.now()
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    if voting_round.is_counted:
        return voting_round
    if voting_round.opened_at is None:
        raise ValidationError(_("The round never opened."))
    if now < voting_round.closes_at:
        raise ValidationError(_("The round is still open."))
    ballots = voting_round.ballots.count()
    voting_round.result = round_count(voting_round)
    voting_round.outcome = (
        VotingRound.Outcome.VALID
        if ballots >= voting_round.quorum
        else VotingRound.Outcome.NOT_VALID
    )
    voting_round.closed_at = now
    voting_round.save(update_fields=["result", "outcome", "closed_at"])
    _audit_votes(voting_round)
    record(
        actor,
        "round.closed",
        voting_round,
        outcome=voting_round.outcome,
        ballots=ballots,
        quorum=voting_round.quorum,
    )
    from .round_cycle import round_mail_result  # round_cycle builds on this module

    round_mail_result(voting_round=voting_round)
    return voting_round


def _audit_votes(voting_round: VotingRound) -> None:
    """At the close, one "ballot.cast" row per voter who voted, all with the time of the close
    (so the log tells no more than participation does). A round that is not secret also
    records each voter's final receipt and choices, which its result page shows by name."""
    from .. import selectors

    voters = list(voting_round.voters.filter(has_voted=True).select_related("user").order_by("id"))
    ballots = (
        selectors.ballots_by_voter(voting_round=voting_round, voters=voters)
        if not voting_round.is_secret
        else {}
    )
    for voter in voters:
        details = {}
        ballot = ballots.get(voter.pk)
        if ballot is not None:
            details = {
                "receipt": ballot.receipt,
                "choices": {str(c.item_id): c.rank for c in ballot.choices.all()},
            }
        record(voter.user, "ballot.cast", voting_round, at=voting_round.closed_at, **details)


def rounds_close_due(*, now=None) -> int:
    """Count every round whose closing time has passed (for Celery beat)."""
    now = now or timezone.now()
    due = VotingRound.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True, closes_at__lte=now
    )
    closed = 0
    for voting_round in due:
        round_close(voting_round=voting_round, now=now)
        closed += 1
    return closed
