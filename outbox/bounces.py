"""Bounces and complaints reported by the mail provider's webhook (django-anymail's `tracking`
signal) mark an address as failing, exactly as a permanent SMTP refusal does in delivery:
the outbox skips it from then on. Tested with Postmark's webhook format; any provider that
django-anymail supports sends the same normalised events.

A soft bounce (Postmark's `SoftBounce`: a full mailbox, an unreachable server) is temporary
and changes nothing; a hard bounce, a spam complaint or an address the provider refuses as
invalid does.
"""

import logging

from anymail.signals import EventType, RejectReason, tracking
from django.dispatch import receiver

from .services import address_mark_failing

log = logging.getLogger(__name__)

TEMPORARY_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError"}


def is_permanent_failure(event) -> bool:
    if event.event_type == EventType.COMPLAINED:
        return True
    if event.event_type == EventType.BOUNCED:
        esp_type = (event.esp_event or {}).get("Type") if isinstance(event.esp_event, dict) else ""
        return esp_type not in TEMPORARY_BOUNCE_TYPES
    return event.event_type == EventType.REJECTED and event.reject_reason == RejectReason.INVALID


@receiver(tracking, dispatch_uid="outbox.bounces.tracking_received")
def tracking_received(sender, event, esp_name, **kwargs) -> None:
    if not event.recipient or not is_permanent_failure(event):
        return
    detail = f"{esp_name} webhook: {event.event_type}"
    if event.reject_reason:
        detail += f" ({event.reject_reason})"
    if event.description:
        detail += f": {event.description}"
    address_mark_failing(email=event.recipient, detail=detail)
    log.info("address marked failing by %s webhook: %s", esp_name, event.event_type)
