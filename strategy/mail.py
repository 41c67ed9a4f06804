"""The strategy app's mail, queued through the outbox (never SMTP from here)."""

from django.urls import reverse


def _message_queue():
    # Imported late: the `outbox` app owns it; tests replace this getter.
    from outbox.services import message_queue

    return message_queue


def queue_priorities_announcement(*, voting_round, recipient, organisation, focus_areas) -> None:
    """One mail per round and recipient (the dedup key says so to the outbox as well)."""
    _message_queue()(
        to=recipient,
        template="strategy/mail/priorities",
        context={
            "round_title": voting_round.title,
            "organisation_name": organisation.name if organisation else "",
            "recipient_name": recipient.get_full_name() or recipient.email,
            "focus_areas": [
                {"title": f.title, "path": f.get_absolute_url(), "problem": f.problem}
                for f in focus_areas
            ],
            "strategy_path": reverse("strategy:index"),
        },
        dedup_key=f"strategy.priorities:{voting_round.pk}:{recipient.pk}",
    )


def _round_context(voting_round) -> dict:
    return {
        "round_title": voting_round.title,
        "round_path": voting_round.get_absolute_url(),
        "closes_at": voting_round.closes_at,
    }


# The electorate's three mails of a round. Each goes to one voter once (the dedup key), says
# nothing about anyone's ballot and the same to everyone it goes to.
def queue_round_opened(*, voting_round, voter) -> None:
    _message_queue()(
        to=voter.user,
        template="strategy/mail/round_opened",
        context=_round_context(voting_round),
        dedup_key=f"strategy.round_opened:{voting_round.pk}:{voter.user_id}",
    )


def queue_round_reminder(*, voting_round, voter) -> None:
    _message_queue()(
        to=voter.user,
        template="strategy/mail/round_reminder",
        context=_round_context(voting_round),
        dedup_key=f"strategy.round_reminder:{voting_round.pk}:{voter.user_id}",
    )


def queue_round_result(*, voting_round, voter) -> None:
    _message_queue()(
        to=voter.user,
        template="strategy/mail/round_result",
        context={**_round_context(voting_round), "is_valid": voting_round.outcome == "valid"},
        dedup_key=f"strategy.round_result:{voting_round.pk}:{voter.user_id}",
    )


def queue_proposal_to_secretariat(*, focus_area, recipient) -> None:
    """A new proposal waits for moderation: one mail per proposal to each moderator."""
    _message_queue()(
        to=recipient,
        template="strategy/mail/proposal",
        context={
            "title": focus_area.title,
            "problem": focus_area.problem,
            "proposer_name": (
                (focus_area.proposer.get_full_name() or focus_area.proposer.email)
                if focus_area.proposer
                else ""
            ),
            "admin_path": reverse("admin:strategy_focusarea_change", args=[focus_area.pk]),
        },
        dedup_key=f"strategy.proposal:{focus_area.pk}:{recipient.pk}",
    )
