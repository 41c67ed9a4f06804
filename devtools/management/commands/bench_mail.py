"""Newsletter throughput to a local SMTP sink, in mails per second, with the machine beside it.

Creates N throwaway subscribers and one newsletter, releases it (rendering and queueing, timed),
then delivers it with the outbox's own code (claim, one SMTP connection per batch, mark sent)
from `--parallel` processes to an aiosmtpd sink in a separate process, and removes what it made.
"""

import multiprocessing
import os
import platform
import subprocess
import sys
import time
import uuid

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


BODY = "".join(
    f"<h2>Nyt fra AlmenNet {n}</h2>\n<p>Boligorganisationerne mødes om fremtidens almene\n"
    "boligområder, nye projekter og publikationer. Læs mere på portalen, og tilmeld dig\n"
    "arrangementerne i foråret.</p>\n"
    for n in range(1, 6)
)


class Command(BaseCommand):
    help = "Measure newsletter delivery to a local SMTP sink (mails per second)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--parallel", type=int, default=os.cpu_count() or 2)

    def handle(self, *args, count, parallel, **options):
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
            self.stdout.write(
                f"Newsletter to {count} addresses, {parallel} delivery processes, "
                "aiosmtpd sink in its own process"
            )
            for async_marks in (False, True):
                settings.MAILINGS_ASYNC_SENT_MARKS = async_marks
                self._run(count=count, parallel=parallel, async_marks=async_marks)
        finally:
            sink.terminate()
            sink.wait(timeout=10)
        self.stdout.write(
            f"  machine: {os.cpu_count()} cores, {cpu_model()}, "
            f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}"
        )

    def _run(self, *, count: int, parallel: int, async_marks: bool) -> None:
        run = uuid.uuid4().hex[:8]
        newsletter = None
        try:
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

            # Worker processes, as Celery's prefork pool runs them (threads would share one GIL).
            connections.close_all()  # a forked child must open its own connection
            started = time.perf_counter()
            workers = [multiprocessing.get_context("fork").Process(target=_drain)
                       for _ in range(parallel)]  # fmt: skip
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            sent_in = time.perf_counter() - started
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
            f"{sent / sent_in:7,.0f} mails/s ({sent} sent)"
        )
        if sent != count:
            self.stderr.write(f"only {sent} of {count} were sent")
