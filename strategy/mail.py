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
