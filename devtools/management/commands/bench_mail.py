"""Newsletter throughput to a local SMTP sink, in mails per second, with the machine beside it.

Creates N throwaway subscribers (10,000) and one newsletter, releases it (audience, rendering and
queueing, timed), then has it delivered by `--workers` real Celery worker processes (2, each
`celery worker --pool=solo`, started here with EMAIL_URL pointing at an SMTP sink in its own
process) running the outbox's drain task, as in production; timed from the moment the drains
are queued until every row is marked sent, with the CPU the workers, the sink and the rest of
the machine spent meanwhile. Mail already due outside a newsletter is delivered first, untimed.
The sinks: Postfix's smtp-sink (native) when `make smtp-sink` fetched it, and aiosmtpd's (Python);
each run says which. The workers use the project's Redis (REDIS_URL) under a key prefix private
to the run, and only those keys are deleted after. `--in-process` delivers from forked
processes instead (no Celery, no Redis). Removes what it made.
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
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from devtools.smtp_sink import free_port
from newsletters.models import Newsletter, Subscriber
from newsletters.services import newsletter_send
from outbox import delivery
from outbox.models import OutboxMessage
from outbox.tasks import outbox_send_transactional


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


def _leftovers_deliver() -> int:
    """Deliver, untimed and in this process, the mail that is due outside any newsletter (after
    `make bench`, the sign-up rush's confirmations), as the worker's task does: the workers
    would otherwise send it first, inside the timing of the newsletter."""
    return outbox_send_transactional()


class CpuClock:
    """CPU seconds (user + system) spent by some processes, and by the whole machine, between
    `start()` and `stop()`, read from /proc (Linux). Shows what the delivery's limit was."""

    def __init__(self, **pids: list[int]):
        self.pids = pids
        self.before: dict[str, float] = {}
        self.spent: dict[str, float] = {}

    @staticmethod
    def _process(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _machine() -> float:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return 0.0
        busy = sum(int(x) for x in fields[:8]) - int(fields[3]) - int(fields[4])  # not idle
        return busy / os.sysconf("SC_CLK_TCK")

    def _read(self) -> dict[str, float]:
        read = {name: sum(map(self._process, pids)) for name, pids in self.pids.items()}
        return {**read, "machine": self._machine()}

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> None:
        after = self._read()
        self.spent = {name: after[name] - self.before[name] for name in after}

    def report(self, seconds: float) -> str:
        if not self.spent.get("machine"):
            return ""
        cores = os.cpu_count() or 1
        parts = ", ".join(
            f"{name} {spent:.1f}" for name, spent in self.spent.items() if name != "machine"
        )
        rest = self.spent["machine"] - sum(v for k, v in self.spent.items() if k != "machine")
        return (
            f"  CPU while delivering: {self.spent['machine']:.1f} s busy of {cores} cores x "
            f"{seconds:.1f} s = {cores * seconds:.1f} s; {parts}, the rest (PostgreSQL, this "
            f"command, other work) {rest:.1f}"
        )


# The SMTP servers the mail is delivered to, each in its own process on this machine. Postfix's
# smtp-sink is a native test server made for measuring mail clients (`make smtp-sink` takes it
# from Debian's postfix package without installing a mail server); aiosmtpd's Sink, in Python,
# costs the machine about a third as much CPU per mail as a Celery worker does, CPU the workers
# then do not get. Measured with each, the report says which.
SMTP_SINK_ROOT = Path(settings.BASE_DIR) / "var" / "tools" / "postfix"
SMTP_SINK = SMTP_SINK_ROOT / "usr" / "sbin" / "smtp-sink"
SINKS = {
    "smtp-sink": "Postfix's smtp-sink (native)",
    "aiosmtpd": "aiosmtpd's Sink (Python)",
}


@contextlib.contextmanager
def _sink_running(name: str):
    """Start the sink on a free port; yields (port, pid)."""
    port = free_port()
    if name == "smtp-sink":
        drop = ["-u", "nobody"] if os.geteuid() == 0 else []  # it refuses to run as root
        command = [str(SMTP_SINK), *drop, f"127.0.0.1:{port}", "256"]
        env = {**os.environ, "LD_LIBRARY_PATH": str(SMTP_SINK_ROOT / "usr" / "lib" / "postfix")}
    else:
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                   "-c", "aiosmtpd.handlers.Sink"]  # fmt: skip
        env = None
    sink = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port)
        yield port, sink.pid
    finally:
        sink.terminate()
        sink.wait(timeout=10)


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
    *, batch_id: int, count: int, workers: int, port: int, async_marks: bool, clock: CpuClock
) -> float:
    """Start `workers` Celery workers, queue one drain per worker, and time until every row of
    the batch is sent, with the workers' CPU on `clock`. The broker keys of the run carry a
    private prefix, deleted after."""
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
            clock.pids["workers"] = [process.pid for process in processes]
            clock.start()
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
            clock.stop()
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
        parser.add_argument(
            "--sink",
            choices=["auto", "both", *SINKS],
            default="auto",
            help="the SMTP sink (auto: both when Postfix's smtp-sink is there, else aiosmtpd)",
        )

    def handle(self, *args, count, workers, in_process, parallel, async_marks, sink, **options):
        sinks = {"both": list(SINKS), "auto": list(SINKS) if SMTP_SINK.exists() else ["aiosmtpd"]}
        sinks = sinks.get(sink, [sink])
        if "smtp-sink" in sinks and not SMTP_SINK.exists():
            raise CommandError(f"{SMTP_SINK} is missing: `make smtp-sink` fetches it")
        settings.MAILINGS_PARALLEL_DRAINS = 0  # delivery is driven and timed below
        how = (
            f"{parallel} forked delivery processes"
            if in_process
            else f"{workers} Celery worker processes (--pool=solo)"
        )
        self.stdout.write(
            f"Newsletter to {count} addresses, {how}; load average {os.getloadavg()[0]:.1f}"
        )
        if sinks == ["aiosmtpd"] and sink == "auto":
            self.stdout.write(f"  ({SMTP_SINK} is missing, so only the Python sink is used)")
        for name in sinks:
            self.stdout.write(f"to {SINKS[name]}:")
            with _sink_running(name) as (port, sink_pid):
                settings.MAILERS = {
                    "default": {
                        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
                    }
                }
                for marks in (False, True) if async_marks else (False,):
                    settings.MAILINGS_ASYNC_SENT_MARKS = marks
                    self._run(
                        count=count,
                        parallel=parallel,
                        async_marks=marks,
                        workers=0 if in_process else workers,
                        port=port,
                        sink_pid=sink_pid,
                    )
        self.stdout.write(
            f"  machine: {os.cpu_count()} cores, {cpu_model()}, "
            f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}"
        )

    def _run(
        self, *, count: int, parallel: int, async_marks: bool, workers: int, port, sink_pid: int
    ) -> None:
        run = uuid.uuid4().hex[:8]
        newsletter = None
        clock = CpuClock(sink=[sink_pid])
        leftovers = _leftovers_deliver()
        if leftovers:
            self.stdout.write(f"  first delivered {leftovers} mails already due (untimed)")
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
                    clock=clock,
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
        if clock.spent:
            self.stdout.write(clock.report(sent_in))
        if sent != count:
            self.stderr.write(f"only {sent} of {count} were sent")
