"""A round's cycle beyond its rules: the secretariat's "Close now", and the electorate's mail
when the round opens, a day before it closes and when the result is out (strategy/mail.py,
through the outbox; each person once)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record

from ..models import VotingRound
from .common import MANAGE_ROUNDS, _require_permission
from .voting import round_close

# How long before the close those who have not voted are reminded.
REMIND_BEFORE = datetime.timedelta(days=1)


def _reachable(voters):
    # A voter whose account was closed since the opening gets no mail.
    return voters.filter(user__is_active=True).select_related("user").order_by("id")


def round_mail_opened(*, voting_round: VotingRound) -> int:
    """Tell every voter of a round that has just opened (round_open calls this)."""
    from .. import mail

    voters = list(_reachable(voting_round.voters.all()))
    for voter in voters:
        mail.queue_round_opened(voting_round=voting_round, voter=voter)
    return len(voters)


def round_mail_result(*, voting_round: VotingRound) -> int:
    """Tell every voter, whether they voted or not, that the count is out (round_close)."""
    from .. import mail

    voters = list(_reachable(voting_round.voters.all()))
    for voter in voters:
        mail.queue_round_result(voting_round=voting_round, voter=voter)
    return len(voters)


def round_reminders_queue(*, now=None) -> int:
    """Remind those who have not voted, once per round, when its close is less than a day
    away (Celery beat runs this hourly). A round opened less than a day before its close is
    not reminded: the opening mail was the notice. Returns the number of mails queued."""
    from .. import mail

    now = now or timezone.now()
    due = VotingRound.objects.filter(
        opened_at__isnull=False,
        closed_at__isnull=True,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
        opened_at__lte=F("closes_at") - REMIND_BEFORE,
    ).values_list("pk", flat=True)
    queued = 0
    for pk in list(due):
        with transaction.atomic():
            # The round's lock, as ballot_cast takes it: nobody is reminded whose ballot is
            # being saved, and a second run waits, then sees reminded_at.
            voting_round = (
                VotingRound.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, reminded_at__isnull=True, closed_at__isnull=True)
                .first()
            )
            if voting_round is None:
                continue
            voters = list(_reachable(voting_round.voters.filter(has_voted=False)))
            for voter in voters:
                mail.queue_round_reminder(voting_round=voting_round, voter=voter)
            voting_round.reminded_at = now
            voting_round.save(update_fields=["reminded_at"])
            record(None, "round.reminded", voting_round, mails=len(voters))
            queued += len(voters)
    return queued


@transaction.atomic
def round_close_now(*, voting_round: VotingRound, actor, now=None) -> VotingRound:
    """The secretariat ends voting before the set time (the admin's "Close now", after a
    confirmation): the closing time becomes now, and the round is counted at once."""
    _require_permission(actor, MANAGE_ROUNDS)
    now = now or timezone.now()
    voting_round = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
    if voting_round.opened_at is None:
        raise ValidationError(_("The round has not been opened."))
    if voting_round.is_counted:
        raise ValidationError(_("The round has already been counted."))
    if now <= voting_round.opens_at:
        raise ValidationError(_("Voting has not begun yet, so it cannot be closed now."))
    if now < voting_round.closes_at:
        planned = voting_round.closes_at
        voting_round.closes_at = now
        voting_round.save(update_fields=["closes_at"])
        record(actor, "round.closed_early", voting_round, planned=planned.isoformat())
    return round_close(voting_round=voting_round, now=now, actor=actor)
