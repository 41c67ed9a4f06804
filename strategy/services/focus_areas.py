"""Focus areas (proposal, moderation, dated status), comments and summit pledges."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from almennet.text import danish_slugify
from members.models import Affiliation, Organisation

from .. import selectors
from ..models import (
    Comment,
    FocusArea,
    FocusAreaStatusChange,
    Pledge,
)
from .common import _require_staff, audit

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
