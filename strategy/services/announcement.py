"""The announcement of a valid round's prioritised focus areas to the partners' contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record
from members.models import Affiliation, Organisation

from ..models import (
    Announcement,
    FocusArea,
    VotingRound,
)
from .common import CONFIRM_PRIORITIES, _require_permission
from .focus_areas import focus_area_set_status

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
def round_confirm_priorities(*, voting_round: VotingRound, actor, focus_areas) -> int:
    """Staff confirm the prioritised focus areas of a valid, counted round: they become
    prioritised, the rest of the ballot not chosen, and each contact person of a housing,
    knowledge or financial organisation gets one mail per round through the outbox.
    Returns the number of mails queued now (0 when repeated)."""
    from .. import mail

    _require_permission(actor, CONFIRM_PRIORITIES)
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    if not voting_round.is_counted or voting_round.outcome != VotingRound.Outcome.VALID:
        raise ValidationError(_("Only a valid, counted round can give priorities."))
    focus_areas = list(focus_areas)
    on_ballot = {item.focus_area_id: item.focus_area for item in voting_round.items.all()}
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
            note=voting_round.title,
            at=now,
        )
    voting_round.priorities_confirmed_at = voting_round.priorities_confirmed_at or now
    voting_round.save(update_fields=["priorities_confirmed_at"])
    prioritised = list(focus_areas)
    queued = 0
    for affiliation in announcement_recipients():
        _announcement, created = Announcement.objects.get_or_create(
            round=voting_round,
            recipient=affiliation.user,
            defaults={"organisation": affiliation.organisation},
        )
        if not created:
            continue
        mail.queue_priorities_announcement(
            voting_round=voting_round,
            recipient=affiliation.user,
            organisation=affiliation.organisation,
            focus_areas=prioritised,
        )
        queued += 1
    record(
        actor, "round.priorities_confirmed", voting_round, prioritised=sorted(chosen), mails=queued
    )
    return queued
