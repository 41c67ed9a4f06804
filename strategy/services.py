"""Every write of the strategy app: focus areas, comments, summit pledges, voting rounds and
their ballots, the announcement of the prioritised focus areas. Each writes an audit row."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import Affiliation, Organisation, Seat

from . import counting, selectors
from .models import (
    Announcement,
    AuditEntry,
    Ballot,
    BallotChoice,
    BallotItem,
    Comment,
    FocusArea,
    FocusAreaStatusChange,
    Pledge,
    StandIn,
    Voter,
    VotingRound,
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


# --- Focus areas ----------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "fokusomraade"
    slug, n = base, 2
    while FocusArea.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def focus_area_propose(
    *,
    user,
    title: str,
    problem: str,
    why_now: str = "",
    ambitions=(),
    trends=(),
) -> FocusArea:
    """A member, Advisory Board or board member proposes a focus area. It waits for staff
    moderation unless staff proposed it."""
    if not selectors.user_can_propose(user=user):
        raise PermissionDenied(
            _("Members, the Advisory Board and the board can propose focus areas.")
        )
    title, problem = (title or "").strip(), (problem or "").strip()
    if not title or not problem:
        raise ValidationError(_("A proposal needs a title and a description of the problem."))
    focus_area = FocusArea(
        title=title[:200],
        slug=_unique_slug(title),
        problem=problem,
        why_now=(why_now or "").strip(),
        proposer=user,
        moderation=FocusArea.Moderation.APPROVED if user.is_staff else FocusArea.Moderation.PENDING,
    )
    focus_area.full_clean()
    focus_area.save()
    focus_area.ambitions.set(ambitions)
    focus_area.trends.set(trends)
    FocusAreaStatusChange.objects.create(
        focus_area=focus_area, status=focus_area.status, changed_by=user, note=_("Proposed")
    )
    audit(actor=user, action="focus_area.proposed", focus_area=focus_area, title=title)
    return focus_area


@transaction.atomic
def focus_area_moderate(*, focus_area: FocusArea, actor, approve: bool) -> FocusArea:
    _require_staff(actor)
    focus_area.moderation = (
        FocusArea.Moderation.APPROVED if approve else FocusArea.Moderation.REJECTED
    )
    focus_area.save(update_fields=["moderation", "updated_at"])
    audit(
        actor=actor,
        action="focus_area.moderated",
        focus_area=focus_area,
        decision=focus_area.moderation,
    )
    return focus_area


@transaction.atomic
def focus_area_set_status(
    *, focus_area: FocusArea, status: str, actor=None, note: str = "", at=None
) -> FocusArea:
    """Change the status and keep the dated history row."""
    if status not in FocusArea.Status.values:
        raise ValidationError(_("Unknown status."))
    at = at or timezone.now()
    if focus_area.status == status:
        return focus_area
    focus_area.status = status
    focus_area.status_changed_at = at
    focus_area.save(update_fields=["status", "status_changed_at", "updated_at"])
    FocusAreaStatusChange.objects.create(
        focus_area=focus_area, status=status, changed_at=at, changed_by=actor, note=note[:300]
    )
    audit(actor=actor, action="focus_area.status", focus_area=focus_area, status=status)
    return focus_area


@transaction.atomic
def comment_add(*, focus_area: FocusArea, user, body: str) -> Comment:
    if not selectors.user_can_comment(user=user):
        raise PermissionDenied(_("Only members can comment on focus areas."))
    if focus_area.moderation != FocusArea.Moderation.APPROVED:
        raise ValidationError(_("This focus area is not open for comments."))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a comment first."))
    if len(body) > 4000:
        raise ValidationError(_("A comment can be at most 4,000 characters."))
    comment = Comment.objects.create(focus_area=focus_area, author=user, body=body)
    audit(actor=user, action="comment.added", focus_area=focus_area, comment=comment.pk)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor) -> Comment:
    _require_staff(actor)
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    audit(actor=actor, action="comment.hidden", focus_area=comment.focus_area, comment=comment.pk)
    return comment


# --- Summit pledges -------------------------------------------------------------------------


@transaction.atomic
def pledge_save(
    *,
    summit,
    focus_area: FocusArea,
    organisation: Organisation,
    user,
    assessment: str,
    practical: bool = False,
    theoretical: bool = False,
    financial: bool = False,
    amount: Decimal | None = None,
    comment: str = "",
) -> Pledge:
    """An organisation's assessment and backing of a focus area at a summit, given by a person
    with a current, confirmed affiliation to that organisation. Saving again updates it."""
    if summit.kind != "summit":
        raise ValidationError(_("Pledges are given at a project summit."))
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to pledge backing."))
    if not Affiliation.objects.current().filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            _("You can only pledge for an organisation you are currently affiliated with.")
        )
    if focus_area.moderation != FocusArea.Moderation.APPROVED:
        raise ValidationError(_("This focus area cannot be backed."))
    if assessment not in Pledge.Assessment.values:
        raise ValidationError(_("Choose an assessment."))
    if financial and (amount is None or amount <= 0):
        raise ValidationError(_("Financial backing needs an amount above zero."))
    if not financial and amount is not None:
        raise ValidationError(_("An amount belongs with financial backing; tick it or clear it."))
    pledge, created = Pledge.objects.select_for_update().get_or_create(
        summit=summit,
        focus_area=focus_area,
        organisation=organisation,
        defaults={"person": user, "assessment": assessment},
    )
    pledge.person = user
    pledge.assessment = assessment
    pledge.practical, pledge.theoretical, pledge.financial = practical, theoretical, financial
    pledge.amount = amount if financial else None
    pledge.comment = (comment or "").strip()
    pledge.full_clean()
    pledge.save()
    audit(
        actor=user,
        action="pledge.created" if created else "pledge.changed",
        focus_area=focus_area,
        organisation=organisation.pk,
        summit=summit.pk,
        kinds=pledge.backing_kinds,
        amount=str(pledge.amount) if pledge.amount is not None else None,
    )
    return pledge


# --- Voting rounds: rules -------------------------------------------------------------------


def round_rules_locked(round: VotingRound) -> bool:
    return round.pk is not None and round.ballots.exists()


def round_check_rule_change(*, round: VotingRound, changed: set[str]) -> None:
    """Refuse a change of the rules once a ballot exists, and of the electorate once the round
    has opened (the electorate is fixed then). Admin and services both call this."""
    changed = set(changed)
    if changed & set(VotingRound.RULE_FIELDS) and round_rules_locked(round):
        raise ValidationError(
            _("Ballots have been cast in this round, so its rules can no longer change.")
        )
    if changed & {"electorate", "weight_by_homes"} and round.opened_at is not None:
        raise ValidationError(_("The electorate was fixed when the round opened."))


@transaction.atomic
def round_create(*, actor, focus_areas=(), **fields) -> VotingRound:
    _require_staff(actor)
    round = VotingRound(created_by=actor, **fields)
    round.full_clean()
    round.save()
    for position, focus_area in enumerate(focus_areas, start=1):
        BallotItem.objects.create(round=round, focus_area=focus_area, position=position)
    audit(actor=actor, action="round.created", round=round, title=round.title)
    return round


@transaction.atomic
def round_update(*, round: VotingRound, actor, **fields) -> VotingRound:
    _require_staff(actor)
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    changed = {name for name, value in fields.items() if getattr(round, name) != value}
    round_check_rule_change(round=round, changed=changed)
    for name, value in fields.items():
        setattr(round, name, value)
    round.full_clean()
    round.save()
    audit(actor=actor, action="round.updated", round=round, fields=sorted(changed))
    return round


def _require_not_opened(round: VotingRound) -> None:
    if round.opened_at is not None:
        raise ValidationError(_("The round has opened; its ballot and electorate are fixed."))


@transaction.atomic
def round_set_items(*, round: VotingRound, actor, focus_areas) -> None:
    _require_staff(actor)
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    _require_not_opened(round)
    round.items.all().delete()
    for position, focus_area in enumerate(focus_areas, start=1):
        BallotItem.objects.create(round=round, focus_area=focus_area, position=position)
    audit(actor=actor, action="round.items", round=round, focus_areas=[f.pk for f in focus_areas])


@transaction.atomic
def round_add_stand_in(*, round: VotingRound, actor, substitute, stands_in_for) -> StandIn:
    """Let a board substitute vote in a named board member's place in this round."""
    _require_staff(actor)
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    _require_not_opened(round)
    if round.electorate != VotingRound.Electorate.BOARD:
        raise ValidationError(_("Stand-ins belong to board rounds."))
    on = timezone.localdate()
    seats = Seat.objects.current(on).board()
    if not seats.filter(user=substitute, role=Seat.Role.SUBSTITUTE).exists():
        raise ValidationError(_("Only a current board substitute can stand in."))
    if not seats.filter(user=stands_in_for).exclude(role=Seat.Role.SUBSTITUTE).exists():
        raise ValidationError(_("A substitute stands in for a current board member."))
    stand_in = StandIn(round=round, substitute=substitute, stands_in_for=stands_in_for)
    stand_in.full_clean()
    stand_in.save()
    audit(
        actor=actor,
        action="round.stand_in",
        round=round,
        substitute=substitute.pk,
        stands_in_for=stands_in_for.pk,
    )
    return stand_in


def _electorate(round: VotingRound, on: datetime.date) -> list[Voter]:
    if round.electorate == VotingRound.Electorate.BOARD:
        seats = (
            Seat.objects.current(on)
            .board()
            .exclude(role=Seat.Role.SUBSTITUTE)
            .select_related("user")
            .order_by("user_id")
        )
        members = {seat.user_id: seat.user for seat in seats}
        stand_ins = {s.stands_in_for_id: s for s in round.stand_ins.select_related("substitute")}
        voters = []
        for user_id, user in members.items():
            stand_in = stand_ins.get(user_id)
            if stand_in:
                voters.append(Voter(round=round, user=stand_in.substitute, stands_in_for=user))
            else:
                voters.append(Voter(round=round, user=user))
        return voters
    # The representative council: one vote per member organisation, cast by its (first
    # confirmed current) representative; optionally weighted by the organisation's homes.
    representatives = (
        Affiliation.objects.counting_as_member(on)
        .filter(role=Affiliation.Role.REPRESENTATIVE)
        .select_related("organisation", "user")
        .order_by("organisation_id", "starts_on", "id")
    )
    voters, seen_orgs, seen_users = [], set(), set()
    for affiliation in representatives:
        if affiliation.organisation_id in seen_orgs or affiliation.user_id in seen_users:
            continue
        seen_orgs.add(affiliation.organisation_id)
        seen_users.add(affiliation.user_id)
        weight = affiliation.organisation.homes if round.weight_by_homes else 1
        voters.append(
            Voter(
                round=round,
                user=affiliation.user,
                organisation=affiliation.organisation,
                weight=weight,
            )
        )
    return voters


@transaction.atomic
def round_open(*, round: VotingRound, actor, now=None) -> VotingRound:
    """Fix the electorate (Voter rows) and draw the order of the ballot by lot."""
    _require_staff(actor)
    now = now or timezone.now()
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    _require_not_opened(round)
    if round.closes_at <= now:
        raise ValidationError(_("The closing time has passed; set a new one before opening."))
    items = list(round.items.select_related("focus_area"))
    minimum = 2 if round.is_ranked else 1
    if len(items) < minimum:
        raise ValidationError(_("Put at least %(n)s focus areas on the ballot.") % {"n": minimum})
    if round.weight_by_homes and round.electorate != VotingRound.Electorate.COUNCIL:
        raise ValidationError(_("Only council rounds can be weighted by homes."))
    secrets.SystemRandom().shuffle(items)
    for position, item in enumerate(items, start=1):
        item.position = position
    BallotItem.objects.bulk_update(items, ["position"])
    voters = _electorate(round, timezone.localdate(now))
    if not voters:
        raise ValidationError(_("Nobody is in this round's electorate."))
    Voter.objects.bulk_create(voters)
    round.opened_at = now
    round.save(update_fields=["opened_at"])
    for item in items:
        focus_area_set_status(
            focus_area=item.focus_area,
            status=FocusArea.Status.BALLOT,
            actor=actor,
            note=round.title,
            at=now,
        )
    audit(
        actor=actor,
        action="round.opened",
        round=round,
        electorate=len(voters),
        order=[item.focus_area_id for item in items],
    )
    return round


# --- Voting ---------------------------------------------------------------------------------


def _new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _validated_choices(round: VotingRound, items: dict[int, BallotItem], approvals, ranks):
    if round.is_ranked:
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
    if len(approvals) > round.max_choices:
        raise ValidationError(
            _("You can pick at most %(n)s focus areas.") % {"n": round.max_choices}
        )
    return dict.fromkeys(approvals)


@transaction.atomic
def ballot_cast(*, round: VotingRound, user, approvals=None, ranks=None, now=None) -> Ballot:
    """Cast or change the user's ballot. ``approvals`` is a list of BallotItem ids (approval
    rounds); ``ranks`` maps BallotItem id -> rank (ranked rounds). Refused outside the window,
    for anyone outside the electorate, without two-factor authentication, and for items that
    are not on this round's ballot. The receipt code stays the same when the ballot changes."""
    from allauth.mfa.utils import is_mfa_enabled

    now = now or timezone.now()
    # Lock the round: a ballot and the count at the close never interleave.
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    if not round.is_open_for_voting(now) or round.is_counted:
        raise ValidationError(_("Voting in this round is not open."))
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to vote."))
    voter = Voter.objects.filter(round=round, user=user).first()
    if voter is None:
        raise PermissionDenied(_("You are not in this round's electorate."))
    if not is_mfa_enabled(user):
        raise PermissionDenied(_("Turn on two-factor authentication before you vote."))
    items = {item.pk: item for item in round.items.all()}
    choices = _validated_choices(round, items, approvals, ranks)
    ballot = Ballot.objects.filter(voter=voter).first()
    changed = ballot is not None
    if ballot is None:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        round=round,
                        voter=voter,
                        receipt=_new_receipt(),
                        cast_at=now,
                        changed_at=now,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 32^12 codes
            raise ValidationError(_("Could not issue a receipt code; try again."))
    else:
        ballot.changed_at = now
        ballot.save(update_fields=["changed_at"])
        ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, item=items[item_id], rank=rank)
        for item_id, rank in choices.items()
    )
    # A secret round's audit row says who voted, never which receipt or what.
    details = (
        {}
        if round.is_secret
        else {"receipt": ballot.receipt, "choices": {str(k): v for k, v in choices.items()}}
    )
    audit(actor=user, action="ballot.changed" if changed else "ballot.cast", round=round, **details)
    return ballot


# --- Closing and counting -------------------------------------------------------------------


def round_count(round: VotingRound) -> dict:
    """Count the round's ballots into the JSON stored on the round."""
    items = list(round.items.order_by("position", "id"))
    candidates = [item.pk for item in items]
    ballots = list(
        round.ballots.select_related("voter").prefetch_related("choices").order_by("receipt")
    )
    result: dict = {
        "method": round.method,
        "candidates": candidates,
        "titles": {str(item.pk): item.focus_area.title for item in items},
        "ballots": len(ballots),
        "electorate": round.voters.count(),
        "total_weight": sum(b.voter.weight for b in ballots),
        "quorum": round.quorum,
    }
    if round.is_ranked:
        counted = counting.ranked_count(
            candidates=candidates,
            ballots=[
                counting.RankedBallot(
                    ranks={c.item_id: c.rank for c in b.choices.all()}, weight=b.voter.weight
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
                    approved=frozenset(c.item_id for c in b.choices.all()), weight=b.voter.weight
                )
                for b in ballots
            ],
            max_choices=round.max_choices,
        )
        result.update(
            ranking=counted.ranking,
            tiers=counted.tiers,
            totals={str(k): v for k, v in counted.totals.items()},
            tie_broken=counted.tie_broken,
        )
    return result


@transaction.atomic
def round_close(*, round: VotingRound, now=None, actor=None) -> VotingRound:
    """Count a round whose closing time has passed; below quorum it closes as not valid.
    Idempotent: a counted round is returned as it is."""
    now = now or timezone.now()
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    if round.is_counted:
        return round
    if round.opened_at is None:
        raise ValidationError(_("The round never opened."))
    if now < round.closes_at:
        raise ValidationError(_("The round is still open."))
    ballots = round.ballots.count()
    round.result = round_count(round)
    round.outcome = (
        VotingRound.Outcome.VALID if ballots >= round.quorum else VotingRound.Outcome.NOT_VALID
    )
    round.closed_at = now
    round.save(update_fields=["result", "outcome", "closed_at"])
    audit(
        actor=actor,
        action="round.closed",
        round=round,
        outcome=round.outcome,
        ballots=ballots,
        quorum=round.quorum,
    )
    return round


def rounds_close_due(*, now=None) -> int:
    """Count every round whose closing time has passed (for Celery beat)."""
    now = now or timezone.now()
    due = VotingRound.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True, closes_at__lte=now
    )
    closed = 0
    for round in due:
        round_close(round=round, now=now)
        closed += 1
    return closed


# --- Announcement ---------------------------------------------------------------------------


ANNOUNCED_KINDS = (
    Organisation.Kind.HOUSING,
    Organisation.Kind.KNOWLEDGE,
    Organisation.Kind.FINANCIAL,
)


def announcement_recipients(*, on=None):
    """Contact people of housing organisations, knowledge organisations and financial partners
    (current, confirmed affiliations with the contact role)."""
    return (
        Affiliation.objects.current(on)
        .filter(role=Affiliation.Role.CONTACT, organisation__kind__in=ANNOUNCED_KINDS)
        .filter(Q(user__is_active=True))
        .select_related("user", "organisation")
        .order_by("user_id", "organisation__name")
    )


@transaction.atomic
def round_confirm_priorities(*, round: VotingRound, actor, focus_areas) -> int:
    """Staff confirm the prioritised focus areas of a valid, counted round: they become
    prioritised, the rest of the ballot not chosen, and each contact person of a housing,
    knowledge or financial organisation gets one mail per round through the mailings outbox.
    Returns the number of mails queued now (0 when repeated)."""
    from . import mail

    _require_staff(actor)
    round = VotingRound.objects.select_for_update().get(pk=round.pk)
    if not round.is_counted or round.outcome != VotingRound.Outcome.VALID:
        raise ValidationError(_("Only a valid, counted round can give priorities."))
    focus_areas = list(focus_areas)
    on_ballot = {item.focus_area_id: item.focus_area for item in round.items.all()}
    if not focus_areas:
        raise ValidationError(_("Choose at least one focus area to prioritise."))
    if any(f.pk not in on_ballot for f in focus_areas):
        raise ValidationError(_("Only focus areas on this round's ballot can be prioritised."))
    chosen = {f.pk for f in focus_areas}
    now = timezone.now()
    for pk, focus_area in on_ballot.items():
        focus_area_set_status(
            focus_area=focus_area,
            status=FocusArea.Status.PRIORITISED if pk in chosen else FocusArea.Status.NOT_CHOSEN,
            actor=actor,
            note=round.title,
            at=now,
        )
    round.priorities_confirmed_at = round.priorities_confirmed_at or now
    round.save(update_fields=["priorities_confirmed_at"])
    prioritised = list(focus_areas)
    queued = 0
    for affiliation in announcement_recipients():
        _announcement, created = Announcement.objects.get_or_create(
            round=round,
            recipient=affiliation.user,
            defaults={"organisation": affiliation.organisation},
        )
        if not created:
            continue
        mail.queue_priorities_announcement(
            round=round,
            recipient=affiliation.user,
            organisation=affiliation.organisation,
            focus_areas=prioritised,
        )
        queued += 1
    audit(
        actor=actor,
        action="round.priorities_confirmed",
        round=round,
        prioritised=sorted(chosen),
        mails=queued,
    )
    return queued
