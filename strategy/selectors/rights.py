"""What a given user may do in the strategy app."""

from __future__ import annotations

from django.db.models import Q

from members.models import Affiliation, Organisation, User
from members.selectors import (
    user_is_advisory_member,
    user_is_board_member,
    user_is_member,
)

from ..models import (
    Voter,
    VotingRound,
)

# --- Who may do what ------------------------------------------------------------------------


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def user_can_propose(*, user) -> bool:
    """Members, Advisory Board members, board members and staff propose focus areas."""
    if not _authenticated(user):
        return False
    return (
        user.is_staff
        or user_is_member(user=user)
        or user_is_advisory_member(user=user)
        or user_is_board_member(user=user)
    )


def user_can_comment(*, user) -> bool:
    return user_can_propose(user=user)


def user_pledge_organisations(*, user):
    """Organisations the user may pledge for: those with a current, confirmed affiliation."""
    if not _authenticated(user):
        return Organisation.objects.none()
    ids = Affiliation.objects.current().filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids).order_by("name")


def _has_staff_permission(user, permission: str) -> bool:
    """Staff rights in the strategy app come from model permissions (the groups in
    members/groups.py); is_staff alone, as an Event manager has it, gives none."""
    return _authenticated(user) and user.is_staff and user.has_perm(permission)


def user_can_manage_rounds(*, user) -> bool:
    """Sees every voting round, drafts included."""
    return _has_staff_permission(user, "strategy.view_votinground")


def user_can_confirm_priorities(*, user) -> bool:
    return _has_staff_permission(user, "strategy.confirm_priorities")


def user_can_moderate(*, user) -> bool:
    """Sees focus areas awaiting moderation; a proposal of theirs needs none."""
    return _has_staff_permission(user, "strategy.change_focusarea")


def user_can_see_votes(*, user) -> bool:
    if not _authenticated(user):
        return False
    return (
        user_can_manage_rounds(user=user)
        or user_is_board_member(user=user)
        or Voter.objects.filter(user=user).exists()
    )


def user_can_see_round(*, user, voting_round: VotingRound) -> bool:
    if not _authenticated(user):
        return False
    if user_can_manage_rounds(user=user):
        return True
    if voting_round.opened_at is None:
        return False
    return (
        user_is_board_member(user=user)
        or Voter.objects.filter(round=voting_round, user=user).exists()
    )


def focus_area_moderators():
    """The secretariat who moderate focus-area proposals (active staff with the right, from a
    group or their own), for the mail about a new proposal."""
    from django.contrib.auth.models import Permission

    right = Permission.objects.filter(
        content_type__app_label="strategy", codename="change_focusarea"
    ).first()
    has_right = Q(is_superuser=True)
    if right is not None:
        has_right |= Q(groups__permissions=right) | Q(user_permissions=right)
    return User.objects.filter(has_right, is_staff=True, is_active=True).distinct().order_by("id")
