"""JSON logs with request id and client address, /metrics with the outbox gauges and its
protection, Sentry for Django and Celery, and expired sessions cleared from beat."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sentry_sdk
from django.contrib.sessions.models import Session
from django.urls import path
from django.utils import timezone
from sentry_sdk.transport import Transport

from almennet.celery import app as celery_app
from almennet.observability import JsonFormatter, RequestContextFilter, sentry_init
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """What the almennet.request logger writes, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("almennet.request")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_each_request_gets_an_id_and_a_json_access_line_with_the_client_address(
    client, settings, json_lines
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    response = client.get("/events/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [entry for entry in json_lines() if entry["path"] == "/events/"]
    assert line["request_id"] == request_id
    assert line["client_ip"] == "198.51.100.7"
    assert (line["method"], line["status"], line["logger"]) == ("GET", 200, "almennet.request")
    assert line["level"] == "INFO" and line["message"] == "GET /events/ 200"
    assert line["time"].endswith("+00:00")
    assert isinstance(line["duration_ms"], float)


def test_a_request_id_from_the_load_balancer_is_kept_and_junk_is_replaced(client):
    kept = client.get("/events/", HTTP_X_REQUEST_ID="lb-2f1c9a7e-0001")
    assert kept["X-Request-ID"] == "lb-2f1c9a7e-0001"
    junk = client.get("/events/", HTTP_X_REQUEST_ID='x"\n<script>')
    assert junk["X-Request-ID"] != 'x"\n<script>' and len(junk["X-Request-ID"]) == 32


def test_log_format_json_makes_every_log_line_a_json_object():
    """The real settings in a fresh process: LOG_FORMAT=json on stderr."""
    env = {**os.environ, "LOG_FORMAT": "json", "DEBUG": "on"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "import logging; logging.getLogger('almennet.test').warning('Hej %s', 'verden')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [line] = [entry for entry in lines if entry["logger"] == "almennet.test"]
    assert line["message"] == "Hej verden"
    assert line["level"] == "WARNING"
    assert (line["request_id"], line["client_ip"]) == ("-", "-")


# --- /metrics ---


def _queued(minutes_ago: int) -> OutboxMessage:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return OutboxMessage.objects.create(
        to=f"m{minutes_ago}@example.dk",
        language="da",
        template="t",
        subject="s",
        body_text="b",
        message_id=f"<{minutes_ago}@almennet.dk>",
        created_at=at,
        next_attempt_at=at,
    )


def _gauge(text: str, name: str) -> float:
    [value] = [line.split()[-1] for line in text.splitlines() if line.startswith(name + " ")]
    return float(value)


def test_metrics_show_the_outbox_queue_and_the_age_of_its_oldest_message(client, settings):
    settings.METRICS_TOKEN = "scrape-token-123"
    _queued(10)
    _queued(2)
    sent = _queued(30)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    client.get("/events/")  # a request for django-prometheus to count
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-123")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert _gauge(text, "almennet_outbox_queued_messages") == 2
    assert 600 <= _gauge(text, "almennet_outbox_oldest_queued_age_seconds") < 660
    assert 'almennet_outbox_messages{status="queued"} 2.0' in text
    assert 'almennet_outbox_messages{status="sending"} 0.0' in text
    assert "django_http_requests_total_by_method_total" in text


def test_metrics_with_an_empty_outbox_report_zero(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.0/8"]
    text = client.get("/metrics").content.decode()
    assert _gauge(text, "almennet_outbox_queued_messages") == 0
    assert _gauge(text, "almennet_outbox_oldest_queued_age_seconds") == 0


def test_metrics_with_several_gunicorn_workers_still_show_the_outbox(
    client, settings, monkeypatch, tmp_path
):
    """PROMETHEUS_MULTIPROC_DIR: counters summed from the shared folder, gauges from the DB."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings.METRICS_TOKEN = "scrape-token-123"
    _queued(5)
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-123")
    text = response.content.decode()
    assert _gauge(text, "almennet_outbox_queued_messages") == 1
    assert _gauge(text, "almennet_outbox_oldest_queued_age_seconds") >= 300


def test_metrics_are_hidden_from_anyone_else(client, settings):
    settings.METRICS_TOKEN = "scrape-token-123"
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    # A forwarded address does not count: only the direct peer.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


# --- Sentry ---


class CapturingTransport(Transport):
    envelopes: list = []

    def capture_envelope(self, envelope):
        CapturingTransport.envelopes.append(envelope)


def _boom(request):
    raise RuntimeError("kaboom in a view")


urlpatterns = [path("boom/", _boom)]


@pytest.fixture
def sentry(settings):
    settings.SENTRY_DSN = "https://public@sentry.example.invalid/1"
    CapturingTransport.envelopes = []
    sentry_init(
        dsn=settings.SENTRY_DSN,
        environment="test",
        traces_sample_rate=0.0,
        transport=CapturingTransport,
    )
    yield CapturingTransport
    sentry_sdk.init(dsn=None)


@pytest.mark.urls("tests.almennet.test_observability")
def test_sentry_reports_a_view_error_with_the_request_id(client, sentry):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-abcdef123")
    assert response.status_code == 500
    sentry_sdk.flush()
    events = [
        item.payload.json for env in sentry.envelopes for item in env.items if item.type == "event"
    ]
    [event] = events
    assert event["exception"]["values"][-1]["value"] == "kaboom in a view"
    assert event["tags"]["request_id"] == "req-abcdef123"
    assert event["environment"] == "test"
    integrations = sentry_sdk.get_client().integrations
    assert {"django", "celery"} <= set(integrations)


# --- beat ---


def test_beat_clears_expired_sessions_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["almennet-sessions-clear"]
    assert entry == {"task": "almennet.tasks.sessions_clear", "schedule": 86400.0}
    celery_app.autodiscover_tasks(force=True)  # what a worker does at start
    assert entry["task"] in celery_app.tasks
    now = timezone.now()
    Session.objects.create(session_key="old" * 8, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="new" * 8, session_data="x", expire_date=now + timedelta(1))
    celery_app.tasks[entry["task"]].delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" * 8]
