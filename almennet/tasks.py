from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def sessions_clear() -> None:
    """Expired sessions out of the database (scheduled daily in beat; sessions live there)."""
    call_command("clearsessions")
