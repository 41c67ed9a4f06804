from celery import shared_task

from . import services


@shared_task(name="invoicing.tasks.ended_events_invoice")
def ended_events_invoice() -> int:
    """Beat: invoice the paid events that have ended (idempotent: billed seats are skipped)."""
    return services.events_invoice_ended()
