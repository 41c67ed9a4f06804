"""Newsletter throughput to a local SMTP sink, in mails per second, with the machine beside it.

Creates N throwaway subscribers (10,000) and one newsletter, releases it (audience, rendering and
queueing, timed), then has it delivered by `--workers` real Celery worker processes (2, each
`celery worker --pool=solo`, started here with EMAIL_URL pointing at an aiosmtpd sink in its own
process) running the outbox's drain task, as in production; timed from the moment the drains
are queued until every row is marked sent. The workers use the project's Redis (REDIS_URL) under
a key prefix private to the run, and only those keys are deleted after. `--in-process` delivers
from forked processes instead (no Celery, no Redis). Removes what it made.
"""

import contextlib
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, connections

from devtools.smtp_sink import free_port
from newsletters.models import Newsletter, Subscriber
from newsletters.services import newsletter_send
from outbox import delivery
from outbox.models import OutboxMessage


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def wait_for_port(port: int, timeout: float = 10) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the SMTP sink did not start on port {port}")


def _drain() -> None:
    try:
        while delivery.outbox_deliver().claimed:
            pass
    finally:
        connections.close_all()


def _warm_up(run: str) -> None:
    """Send a newsletter to one address first, untimed: the web process that sends the real one
    has its URL resolver, templates and search lexicon loaded; this fresh process has not."""
    subscriber = Subscriber.objects.create(
        email=f"warm-{run}@bench.example.org", status="confirmed"
    )
    newsletter = Newsletter.objects.create(subject=f"Warm-up {run}", slug=f"warm-{run}", body=BODY)
    try:
        newsletter_send(newsletter=newsletter, actor=None)
    finally:
        newsletter.delete()
        Newsletter.history.filter(slug=newsletter.slug).delete()
        subscriber.delete()


def _deliver_forked(parallel: int) -> float:
    """Worker processes, as Celery's prefork pool runs them (threads would share one GIL)."""
    connections.close_all()  # a forked child must open its own connection
    started = time.perf_counter()
    workers = [multiprocessing.get_context("fork").Process(target=_drain) for _ in range(parallel)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    if str(host).startswith("/"):
        return f"postgres://{user}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _deliver_with_celery(
    *, batch_id: int, count: int, workers: int, port: int, async_marks: bool
) -> float:
    """Start `workers` Celery workers, queue one drain per worker, and time until every row of
    the batch is sent. The broker keys of the run carry a private prefix, deleted after."""
    import redis
    from celery import Celery

    redis_url = settings.CELERY_BROKER_URL if hasattr(settings, "CELERY_BROKER_URL") else None
    redis_url = redis_url or os.environ.get("REDIS_URL")
    if not redis_url or not redis_url.startswith(("redis://", "rediss://")):
        raise RuntimeError("Celery workers need REDIS_URL (or run with --in-process)")
    prefix = f"almennet-bench-mail-{uuid.uuid4().hex}:"
    root = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "devtools.bench.worker_settings",
        "BENCH_MAIL_KEY_PREFIX": prefix,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "MAILINGS_ASYNC_SENT_MARKS": "on" if async_marks else "off",
        "PYTHONPATH": str(root),
    }
    log_path = root / "var" / "bench" / "bench-mail-workers.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    processes = []
    broker = Celery(broker=redis_url, set_as_current=False)
    broker.conf.broker_transport_options = {"global_keyprefix": prefix}
    client = redis.Redis.from_url(redis_url)
    try:
        with log_path.open("w") as log:
            for number in range(workers):
                processes.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "almennet",
                            "worker",
                            "--pool=solo",
                            "--loglevel=WARNING",
                            "--without-gossip",
                            "--without-mingle",
                            "--without-heartbeat",
                            "--hostname",
                            f"bench-mail-{number}-{uuid.uuid4().hex[:6]}@%h",
                        ],
                        cwd=root,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )  # fmt: skip
                )
            _wait_for_workers(broker, workers, log_path)
            started = time.perf_counter()
            for _ in range(workers):
                broker.send_task("outbox.tasks.outbox_drain")
            deadline = time.monotonic() + max(300, count / 5)
            open_rows = OutboxMessage.objects.filter(
                batch=batch_id, status__in=[OutboxMessage.Status.QUEUED, "sending"]
            )
            while open_rows.exists():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"delivery did not finish; see {log_path}")
                time.sleep(0.05)
            return time.perf_counter() - started
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        broker.close()
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(key)


def _wait_for_workers(broker, workers: int, log_path: Path) -> None:
    """Until every worker answers a ping (started and connected to the broker)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = broker.control.ping(timeout=1.0) or []
        if len(replies) >= workers:
            return
    raise RuntimeError(f"the Celery workers did not start; see {log_path}")


BODY = "".join(
    f"<h2>Nyt fra AlmenNet {n}</h2>\n<p>Boligorganisationerne mødes om fremtidens almene\n"
    "boligområder, nye projekter og publikationer. Læs mere på portalen, og tilmeld dig\n"
    "arrangementerne i foråret.</p>\n"
    for n in range(1, 6)
)


class Command(BaseCommand):
    help = "Measure newsletter delivery to a local SMTP sink (mails per second)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10000)
        parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="deliver from forked processes instead of Celery workers (no Redis needed)",
        )
        parser.add_argument("--parallel", type=int, default=os.cpu_count() or 2)
        parser.add_argument(
            "--async-marks", action="store_true", help="also measure asynchronous sent marks"
        )

    def handle(self, *args, count, workers, in_process, parallel, async_marks, **options):
        port = free_port()
        sink = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
             "-c", "aiosmtpd.handlers.Sink"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(port)
            settings.MAILERS = {
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
                }
            }
            settings.MAILINGS_PARALLEL_DRAINS = 0  # delivery is driven and timed below
            how = (
                f"{parallel} forked delivery processes"
                if in_process
                else f"{workers} Celery worker processes (--pool=solo)"
            )
            self.stdout.write(
                f"Newsletter to {count} addresses, {how}, aiosmtpd sink in its own process; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            for marks in (False, True) if async_marks else (False,):
                settings.MAILINGS_ASYNC_SENT_MARKS = marks
                self._run(
                    count=count,
                    parallel=parallel,
                    async_marks=marks,
                    workers=0 if in_process else workers,
                    port=port,
                )
        finally:
            sink.terminate()
            sink.wait(timeout=10)
        self.stdout.write(
            f"  machine: {os.cpu_count()} cores, {cpu_model()}, "
            f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}"
        )

    def _run(self, *, count: int, parallel: int, async_marks: bool, workers: int, port) -> None:
        run = uuid.uuid4().hex[:8]
        newsletter = None
        try:
            _warm_up(run)  # before the audience exists: it goes to one address
            Subscriber.objects.bulk_create(
                Subscriber(email=f"bench-{run}-{i}@bench.example.org", status="confirmed")
                for i in range(count)
            )
            newsletter = Newsletter.objects.create(
                subject=f"Benchmark {run}",
                slug=f"bench-{run}",
                body=BODY,
            )
            started = time.perf_counter()
            newsletter_send(newsletter=newsletter, actor=None)
            queued_in = time.perf_counter() - started

            if workers:
                sent_in = _deliver_with_celery(
                    batch_id=newsletter.batch_id,
                    count=count,
                    workers=workers,
                    port=port,
                    async_marks=async_marks,
                )
            else:
                sent_in = _deliver_forked(parallel)
            sent = OutboxMessage.objects.filter(batch=newsletter.batch_id, status="sent").count()
        finally:
            if newsletter is not None:
                newsletter.delete()  # its batch and outbox rows with it
                Newsletter.history.filter(slug=newsletter.slug).delete()
            Subscriber.objects.filter(email__startswith=f"bench-{run}-").delete()
        marks = "asynchronous commit" if async_marks else "durable commit (default)"
        self.stdout.write(
            f"  queue (audience, render, insert): {queued_in:6.2f} s = "
            f"{count / queued_in:7,.0f} mails/s\n"
            f"  deliver, sent marks by {marks}: {sent_in:6.2f} s = "
            f"{sent / sent_in:7,.0f} mails/s ({sent} sent; load average "
            f"{os.getloadavg()[0]:.1f})"
        )
        if sent != count:
            self.stderr.write(f"only {sent} of {count} were sent")
