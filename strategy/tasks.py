from celery import shared_task


@shared_task(ignore_result=True)
def rounds_close_due_task() -> int:
    """Count every voting round whose closing time has passed (pages also count on view)."""
    from .services import rounds_close_due

    return rounds_close_due()


@shared_task(ignore_result=True)
def round_reminders_send_task() -> int:
    """Remind those who have not voted, a day before a round closes (beat runs this hourly;
    each round's electorate is reminded once)."""
    from .services import round_reminders_queue

    return round_reminders_queue()
