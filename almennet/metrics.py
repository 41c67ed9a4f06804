"""`/metrics` for Prometheus: django-prometheus's counters and the outbox's gauges
(outbox/metrics.py), answered only to the addresses in METRICS_ALLOWED_IPS or to a bearer of
METRICS_TOKEN. Project wiring (it names the outbox), so it sits beside almennet.urls."""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ").encode() if header.startswith("Bearer ") else b""
    if token and given and hmac.compare_digest(given, token.encode()):
        return True
    networks = getattr(settings, "METRICS_ALLOWED_IPS", [])
    try:
        # The direct peer, not a forwarded address: a scraper connects from inside.
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(network, strict=False) for network in networks)


def metrics(request):
    """Prometheus text format: django-prometheus's counters and the outbox gauges. Unknown
    callers get a 404, as if there were nothing here."""
    if not _metrics_allowed(request):
        raise Http404()
    import os

    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
    from prometheus_client.exposition import CONTENT_TYPE_LATEST

    from outbox.metrics import OutboxCollector

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: their counters are summed from the shared folder.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(OutboxCollector())
    else:
        registry = REGISTRY
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
