"""Reads of the action log."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import Action
from .verbs import VOTING_VERBS


def actions_visible_to(*, user, queryset: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """The log rows a staff user may read: the voting rows only with view_voting_actions."""
    queryset = Action.objects.all() if queryset is None else queryset
    if not user.has_perm("activity.view_voting_actions"):
        queryset = queryset.exclude(verb__in=VOTING_VERBS)
    return queryset


def actions_for(*, target, verbs=None) -> QuerySet[Action]:
    """The log rows about one object, newest first."""
    queryset = Action.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
    ).select_related("actor")
    if verbs is not None:
        queryset = queryset.filter(verb__in=list(verbs))
    return queryset
