"""A real Celery worker on the real Redis delivers a newsletter to a local SMTP sink, is killed
with SIGKILL in the middle of a batch, restarts, and every address gets exactly one mail."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from devtools.smtp_sink import SmtpSink
from newsletters.models import Newsletter, Subscriber
from newsletters.services import newsletter_send
from outbox.models import OutboxMessage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The Redis database comes from the environment (MAILINGS_TEST_REDIS_URL, else REDIS_URL). It
# may be shared with anything else: every key this run makes, Celery's queues and the worker's
# cache alike, starts with a prefix private to the run, and only those keys are deleted after.
REDIS_URL = os.environ.get("MAILINGS_TEST_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/0"
)
KEY_PREFIX = f"almennet-it-{uuid.uuid4().hex}:"
ROOT = Path(__file__).resolve().parents[2]
ADDRESSES = 1000
KILL_AFTER = 400


@contextlib.contextmanager
def private_redis(url: str, prefix: str):
    """A client for the run's Redis database; on exit deletes the keys under `prefix` and no
    other (the database may hold anything else: the cache, another run, a developer's data)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url}; CI must provide it.")
        pytest.skip(f"Redis is not reachable at {url}")
    try:
        yield client
    finally:
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(key)


@pytest.fixture
def redis_db():
    with private_redis(REDIS_URL, KEY_PREFIX) as client:
        yield client


def test_private_redis_deletes_only_its_own_keys():
    prefix = f"almennet-it-{uuid.uuid4().hex}:"
    neighbour = f"almennet-it-neighbour-{uuid.uuid4().hex}"
    with private_redis(REDIS_URL, prefix) as client:
        client.set(neighbour, "not ours", ex=60)
        client.set(f"{prefix}celery", "ours")
        client.hset(f"{prefix}unacked", "tag", "ours")
    try:
        assert client.get(neighbour) == b"not ours"
        assert list(client.scan_iter(match=f"{prefix}*")) == []
    finally:
        client.delete(neighbour)


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    if str(host).startswith("/"):
        # The embedded PostgreSQL listens on a Unix socket in its data folder.
        return f"postgres://{user}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_worker(*, sink, logfile, beat_dir=None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "MAILINGS_TEST_KEY_PREFIX": KEY_PREFIX,
        "EMAIL_URL": sink.url,
        "DEBUG": "on",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "almennet", "worker",
        "--pool=prefork", "--concurrency=2", "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"mailings-it-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    if beat_dir:
        command += ["--beat", "--schedule", str(beat_dir / "beat-schedule")]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
    )  # fmt: skip


def kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()[-4000:]}")


def test_killed_worker_loses_nothing_and_sends_nothing_twice(redis_db, tmp_path, settings):
    from celery import Celery

    settings.MAILINGS_PARALLEL_DRAINS = 0  # this process must not deliver; the worker does
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i:04d}@example.dk", status="confirmed") for i in range(ADDRESSES)
    )
    newsletter = Newsletter.objects.create(subject="Nyhedsbrev", slug="nyhedsbrev")
    outcome = newsletter_send(newsletter=newsletter, actor=None)
    assert outcome.queued == ADDRESSES

    # Not the current app: shared tasks in later tests must stay on the project's (eager) app.
    broker = Celery(broker=REDIS_URL, set_as_current=False)
    broker.conf.broker_transport_options = {"global_keyprefix": KEY_PREFIX}
    log = tmp_path / "worker.log"
    workers = []
    with SmtpSink() as sink, log.open("w") as logfile:
        try:
            sink.handler.hold_after(KILL_AFTER)
            workers.append(start_worker(sink=sink, logfile=logfile))
            for _ in range(2):  # what newsletter_send queues after commit
                broker.send_task("outbox.tasks.outbox_drain")

            # Kill the worker mid-batch, once both pool processes wait for the sink's reply to
            # a message (held from number KILL_AFTER + 1 on): neither is between an accepted
            # message and its `sent` mark, the one window this design leaves (see delivery.py).
            wait_for(lambda: sink.handler.held >= 2, timeout=30, what="the first mails", log=log)
            kill(workers[0])
            sink.handler.release()
            claimed = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).count()
            assert claimed > 0, "the worker died holding claimed rows"
            assert sink.handler.count() == KILL_AFTER

            # Restarted with beat: the drain after the lease expires sends the rest.
            workers.append(start_worker(sink=sink, logfile=logfile, beat_dir=tmp_path))
            wait_for(lambda: sink.handler.count() >= ADDRESSES, timeout=45,
                     what="all mails after the restart", log=log)  # fmt: skip
            time.sleep(1.5)  # a late duplicate would arrive now
        finally:
            for worker in workers:
                kill(worker)
            broker.close()

    per_address = sink.handler.per_address()
    assert len(per_address) == ADDRESSES
    assert set(per_address.values()) == {1}, {a: n for a, n in per_address.items() if n > 1}
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == ADDRESSES
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
