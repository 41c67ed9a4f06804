"""Prometheus gauges read from the outbox table at each scrape, so every web process reports
the same numbers: how much mail waits and how long the oldest has waited (a stuck worker or a
refusing SMTP server shows as a growing age)."""

import logging

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import OutboxMessage

log = logging.getLogger(__name__)


class OutboxCollector:
    def describe(self):
        # Names only: registering must not query (no database at import, in migrations).
        yield GaugeMetricFamily("almennet_outbox_messages", "", labels=["status"])
        yield GaugeMetricFamily("almennet_outbox_queued_messages", "")
        yield GaugeMetricFamily("almennet_outbox_oldest_queued_age_seconds", "")

    def collect(self):
        try:
            counts = dict(
                OutboxMessage.objects.filter(
                    status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING]
                )
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
            oldest = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).aggregate(
                oldest=Min("created_at")
            )["oldest"]
        except DatabaseError:
            log.warning("outbox metrics: the database did not answer", exc_info=True)
            return
        queued = GaugeMetricFamily(
            "almennet_outbox_messages", "Outbox messages waiting, by status", labels=["status"]
        )
        for status in (OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING):
            queued.add_metric([status.value], counts.get(status.value, 0))
        yield queued
        yield GaugeMetricFamily(
            "almennet_outbox_queued_messages", "Outbox messages queued for delivery",
            value=counts.get(OutboxMessage.Status.QUEUED.value, 0),
        )  # fmt: skip
        yield GaugeMetricFamily(
            "almennet_outbox_oldest_queued_age_seconds",
            "Age of the oldest queued outbox message (0 when none waits)",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )


_registered = False


def outbox_collector_register() -> None:
    """Once per process, into prometheus_client's default registry."""
    global _registered
    if _registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(OutboxCollector())
    _registered = True
