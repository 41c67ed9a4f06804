from celery import shared_task


@shared_task(ignore_result=True)
def rounds_close_due_task() -> int:
    """Count every voting round whose closing time has passed (pages also count on view)."""
    from .services import rounds_close_due

    return rounds_close_due()
