"""Faults: the database goes away during a request, Redis goes away during a send.

The database is never stopped here (with DATABASE_URL the server is the machine's, shared with
other work): the portal's connection is pointed at a port or socket where nothing listens, or a
query fails mid-request the way a dropped connection does. Redis is "stopped" by pointing the
Celery broker at a dead port. Afterwards nothing is lost and nothing is doubled: one
registration, one mail, delivered by the outbox sweep.
"""

import contextlib
import socket

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from almennet.celery import app as celery_app
from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory
from events.models import Registration
from outbox.models import OutboxMessage


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


@contextlib.contextmanager
def database_unreachable():
    """The next connection goes to a port (or socket folder) where no PostgreSQL listens."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    if str(settings_dict.get("HOST", "")).startswith("/"):
        settings_dict["HOST"] = "/nonexistent/almennet-socket"
    else:
        settings_dict["PORT"] = str(_dead_port())
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    try:
        yield
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


def _looks_like_an_error_page(response) -> None:
    body = response.content.decode(errors="replace")
    assert response.status_code in (500, 503), response.status_code
    for leak in ("Traceback", "OperationalError", "psycopg", "connection to server", "5432"):
        assert leak not in body, f"the error page shows {leak!r}"


@pytest.mark.django_db(transaction=True)
def test_database_down_gives_an_error_page_and_healthz_says_so():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        _looks_like_an_error_page(client.get("/"))
        _looks_like_an_error_page(client.get(reverse("events:list")))
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"] == "down"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_database_down_shows_the_portals_own_error_page():
    """Not Django's bare "Server Error (500)": the portal's own page (templates/500.html, which
    Django renders without a database), in Danish, saying it is a passing fault."""
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get(reverse("events:list"))
    body = response.content.decode(errors="replace")
    # 503 with Retry-After: a passing fault, so browsers and load balancers try again.
    assert response.status_code == 503
    assert response.has_header("Retry-After")
    assert "AlmenNet" in body, body[:300]
    assert '<html lang="da"' in body, body[:300]


@pytest.mark.django_db(transaction=True)
def test_connection_lost_mid_signup_leaves_nothing_half_done():
    """The connection drops while the sign-up writes its mail: the whole sign-up is rolled
    back (no registration, no mail); the person tries again and gets exactly one of each."""
    member = AffiliationFactory().user
    event = EventFactory(capacity=5)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    path = reverse("events:signup", kwargs={"slug": event.slug})

    def drop_on_outbox_insert(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "outbox_outboxmessage" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_on_outbox_insert):
        response = client.post(path, {"comment": "første forsøg"})
    _looks_like_an_error_page(response)
    assert not Registration.objects.filter(event=event).exists()
    assert not OutboxMessage.objects.exists()

    mail.outbox.clear()
    response = client.post(path, {"comment": "andet forsøg"})
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, user=member).count() == 1
    assert OutboxMessage.objects.filter(to=member.email).count() == 1
    assert len(mail.outbox) == 1  # sent eagerly after commit (no REDIS_URL in the tests)


def _forget_broker_connections() -> None:
    """Celery caches its broker connection and producer pools, and kombu keeps producer pools
    per broker URL for the whole process; drop them all so the next publish connects to the
    broker URL configured now. (Closing only Celery's left kombu's pool for the test settings'
    URL closed: a later test in the same process, as under pytest-xdist, got "Acquire on
    closed pool" from an eager task's .delay().)"""
    from kombu import pools

    with contextlib.suppress(Exception):
        celery_app.pool.force_close_all()
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_down():
    """Celery publishes to a Redis where nothing listens (as when Redis is stopped)."""
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "broker_connection_timeout": conf.broker_connection_timeout,
    }
    _forget_broker_connections()
    conf.broker_url = f"redis://127.0.0.1:{_dead_port()}/7"
    conf.task_always_eager = False
    conf.broker_connection_timeout = 1
    try:
        yield
    finally:
        _forget_broker_connections()
        for key, value in saved.items():
            setattr(conf, key, value)


@pytest.mark.django_db(transaction=True)
def test_redis_down_during_signup_loses_and_doubles_nothing():
    """With the broker gone the sign-up still succeeds, its mail waits in the outbox, and the
    sweep (beat's outbox_drain) sends it exactly once when Redis is back."""
    from outbox.tasks import outbox_drain

    member = AffiliationFactory().user
    event = EventFactory(capacity=5)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    path = reverse("events:signup", kwargs={"slug": event.slug})
    mail.outbox.clear()

    with broker_down():
        first = client.post(path, {"comment": "Redis er nede"}).status_code
        assert len(mail.outbox) == 0
        # A second click while it is down signs up nobody twice.
        client.post(path, {"comment": "igen"})

    assert Registration.objects.filter(event=event, user=member).count() == 1
    assert OutboxMessage.objects.filter(to=member.email).count() == 1

    outbox_drain()
    outbox_drain()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert OutboxMessage.objects.get(to=member.email).status == "sent"
    # The person was told it worked, not shown an error page for a sign-up that was saved.
    assert first == 302, f"sign-up answered {first} while Redis was down"


@pytest.mark.django_db
def test_a_later_task_publishes_again_after_the_broker_was_down():
    """The order pytest-xdist can give: an eager task queued in the same process after
    broker_down() must not meet a connection pool closed inside it."""
    from events.tasks import event_reminders_send

    with broker_down():
        pass
    assert event_reminders_send.delay().get() == 0
