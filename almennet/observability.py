"""Error reports, structured logs and metrics for production.

- Sentry (`SENTRY_DSN`): Django and Celery errors, each tagged with the request id.
- `LOG_FORMAT=json`: one JSON object per log line, with the request id and the client
  address (as allauth's limits see it behind the configured proxies), and one access line per
  request from `RequestIdMiddleware` (logger `almennet.request`).
- `/metrics` (django-prometheus plus the outbox gauges of `outbox.metrics`), answered only to
  `METRICS_ALLOWED_IPS` or with `Authorization: Bearer <METRICS_TOKEN>`; otherwise 404.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
client_ip_var: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="-")

# An incoming X-Request-ID (from the load balancer) is kept when it looks like an id.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
access_log = logging.getLogger("almennet.request")


def client_ip(request) -> str:
    """The client's address as allauth's rate limits see it (trusted proxy count or header)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 - a bad X-Forwarded-For must not fail the request
        return request.META.get("REMOTE_ADDR", "-")


class RequestIdMiddleware:
    """Gives each request an id (kept from X-Request-ID when sent), returns it as X-Request-ID,
    makes it and the client address available to every log line, and writes an access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        address = client_ip(request)
        tokens = (request_id_var.set(request.request_id), client_ip_var.set(address))
        _sentry_tag(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(tokens[0])
            client_ip_var.reset(tokens[1])


def _sentry_tag(request_id: str) -> None:
    if not getattr(settings, "SENTRY_DSN", ""):
        return
    import sentry_sdk

    sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `client_ip` to every record (a dash outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.client_ip = client_ip_var.get()
        return True


_EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "task_id", "task_name")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "client_ip": getattr(record, "client_ip", "-"),
        }
        for name in _EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: plain text (default) or JSON lines on stderr."""
    json_lines = log_format == "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "almennet.observability.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "almennet.observability.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_context"],
                "formatter": "json" if json_lines else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # The access line is INFO: on with JSON logs (the log collector's access log).
        "loggers": {"almennet.request": {"level": "INFO" if json_lines else "WARNING"}},
    }


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float, **options) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    # Sentry's default sends no personal data (addresses, cookies, user names); kept so.
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        **options,
    )


# --- /metrics ---
