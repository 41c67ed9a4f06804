"""Focus areas (proposal, moderation, dated status), comments and summit pledges."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record
from almennet.text import danish_slugify
from members.models import Affiliation, Organisation

from .. import selectors
from ..models import (
    Comment,
    FocusArea,
    Pledge,
)
from .common import MODERATE_COMMENTS, MODERATE_FOCUS_AREAS, _require_permission

# --- Focus areas ----------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = danish_slugify(title)[:180] or "fokusomraade"
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
    moderation unless its proposer may moderate focus areas."""
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
        moderation=FocusArea.Moderation.APPROVED
        if selectors.user_can_moderate(user=user)
        else FocusArea.Moderation.PENDING,
    )
    focus_area.full_clean()
    focus_area.save()
    focus_area.ambitions.set(ambitions)
    focus_area.trends.set(trends)
    record(user, "focus_area.proposed", focus_area, title=title)
    # The first row of the dated status history (selectors.focus_area_status_history).
    # No note: the row's status already reads "Proposed".
    record(user, "focus_area.status", focus_area, status=focus_area.status, note="")
    if focus_area.moderation == FocusArea.Moderation.PENDING:
        from .. import mail

        for moderator in selectors.focus_area_moderators():
            mail.queue_proposal_to_secretariat(focus_area=focus_area, recipient=moderator)
    return focus_area


@transaction.atomic
def focus_area_moderate(*, focus_area: FocusArea, actor, approve: bool) -> FocusArea:
    _require_permission(actor, MODERATE_FOCUS_AREAS)
    focus_area.moderation = (
        FocusArea.Moderation.APPROVED if approve else FocusArea.Moderation.REJECTED
    )
    focus_area.save(update_fields=["moderation", "updated_at"])
    record(actor, "focus_area.moderated", focus_area, decision=focus_area.moderation)
    return focus_area


_S = FocusArea.Status
# Where a focus area may go from each status. Forward along the pipeline (a summit or a ballot
# may be skipped), out to "not chosen" until it is active, and back to consideration when a
# ballot or a "no" is reconsidered. Everything else is refused.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.PROPOSED: frozenset({_S.CONSIDERATION, _S.SUMMIT, _S.BALLOT, _S.NOT_CHOSEN}),
    _S.CONSIDERATION: frozenset({_S.SUMMIT, _S.BALLOT, _S.NOT_CHOSEN}),
    _S.SUMMIT: frozenset({_S.CONSIDERATION, _S.BALLOT, _S.NOT_CHOSEN}),
    _S.BALLOT: frozenset({_S.CONSIDERATION, _S.PRIORITISED, _S.NOT_CHOSEN}),
    _S.PRIORITISED: frozenset({_S.ACTIVE, _S.NOT_CHOSEN}),
    _S.ACTIVE: frozenset({_S.COMPLETED}),
    _S.COMPLETED: frozenset(),
    _S.NOT_CHOSEN: frozenset({_S.CONSIDERATION}),
}


def focus_area_can_move(*, focus_area: FocusArea, status: str) -> bool:
    return status in ALLOWED_TRANSITIONS[focus_area.status]


@transaction.atomic
def focus_area_create(*, focus_area: FocusArea, actor) -> FocusArea:
    """The secretariat adds a focus area itself (the admin's add form): approved at once, with
    its first dated status row."""
    _require_permission(actor, "strategy.add_focusarea")
    if focus_area.pk is not None:
        raise ValueError("focus_area_create() is for new focus areas")
    focus_area.slug = focus_area.slug or _unique_slug(focus_area.title)
    focus_area.proposer = focus_area.proposer or actor
    focus_area.moderation = FocusArea.Moderation.APPROVED
    focus_area.full_clean()
    focus_area.save()
    record(actor, "focus_area.created", focus_area)
    record(
        actor,
        "focus_area.status",
        focus_area,
        at=focus_area.status_changed_at,
        status=focus_area.status,
        note="",
    )
    return focus_area


@transaction.atomic
def focus_area_update(
    *, focus_area: FocusArea, actor, status: str | None = None, note: str = ""
) -> FocusArea:
    """Save the secretariat's edit of a focus area's content; a new status goes through the
    transition table and its dated history row."""
    _require_permission(actor, MODERATE_FOCUS_AREAS)
    stored = FocusArea.objects.select_for_update().get(pk=focus_area.pk)
    # The status moves only by focus_area_set_status, never with the content.
    focus_area.status, focus_area.status_changed_at = stored.status, stored.status_changed_at
    focus_area.full_clean()
    focus_area.save()
    if status is not None and status != stored.status:
        focus_area_set_status(focus_area=focus_area, status=status, actor=actor, note=note)
    return focus_area


@transaction.atomic
def focus_area_set_status(
    *, focus_area: FocusArea, status: str, actor=None, note: str = "", at=None
) -> FocusArea:
    """Change the status along ALLOWED_TRANSITIONS and keep the dated history row (the action
    log's "focus_area.status")."""
    if status not in FocusArea.Status.values:
        raise ValidationError(_("Unknown status."))
    at = at or timezone.now()
    if focus_area.status == status:
        return focus_area
    if not focus_area_can_move(focus_area=focus_area, status=status):
        raise ValidationError(
            _("A focus area cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": FocusArea.Status(focus_area.status).label,
                "new": FocusArea.Status(status).label,
            }
        )
    focus_area.status = status
    focus_area.status_changed_at = at
    focus_area.save(update_fields=["status", "status_changed_at", "updated_at"])
    record(actor, "focus_area.status", focus_area, at=at, status=status, note=note[:300])
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
    record(user, "comment.added", focus_area, comment=comment.pk)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor) -> Comment:
    _require_permission(actor, MODERATE_COMMENTS)
    comment.is_hidden = True
    comment.save(update_fields=["is_hidden"])
    record(actor, "comment.hidden", comment.focus_area, comment=comment.pk)
    return comment


# --- Summit pledges -------------------------------------------------------------------------


def pledge_check(
    *,
    summit,
    focus_area: FocusArea,
    organisation: Organisation,
    user,
    assessment: str,
    financial: bool = False,
    amount: Decimal | None = None,
    pledge: Pledge | None = None,
) -> None:
    """The rules of a pledge, for pledge_save and for forms that want to name the problem
    before anything is saved."""
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
    if pledge is not None and pledge.pk is not None:
        others = Pledge.objects.filter(
            summit=summit, focus_area=focus_area, organisation=organisation
        ).exclude(pk=pledge.pk)
        if others.exists():
            raise ValidationError(
                _("%(organisation)s has already pledged on this focus area at this summit.")
                % {"organisation": organisation}
            )


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
    pledge: Pledge | None = None,
) -> Pledge:
    """An organisation's assessment and backing of a focus area at a summit, given by a person
    with a current, confirmed affiliation to that organisation. Saving again updates it; with
    ``pledge`` (the admin's change form) that very row is changed, never a second one made."""
    pledge_check(
        summit=summit,
        focus_area=focus_area,
        organisation=organisation,
        user=user,
        assessment=assessment,
        financial=financial,
        amount=amount,
        pledge=pledge,
    )
    if pledge is not None and pledge.pk is not None:
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        pledge.summit, pledge.focus_area, pledge.organisation = summit, focus_area, organisation
        created = False
    else:
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
    record(
        user,
        "pledge.created" if created else "pledge.changed",
        focus_area,
        organisation=organisation.pk,
        summit=summit.pk,
        kinds=pledge.backing_kinds,
        amount=str(pledge.amount) if pledge.amount is not None else None,
    )
    return pledge
