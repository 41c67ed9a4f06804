"""bench_mail's parts that decide what its figures mean: the CPU clock that shows where the
machine's time went, the sink the mail goes to, and the leftovers it delivers before timing."""

import smtplib
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.factories.outbox import OutboxMessageFactory
from devtools.management.commands import bench_mail
from outbox.models import OutboxMessage


def test_the_cpu_clock_counts_what_a_process_spent_and_the_machine_beside_it():
    spin = "end = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"
    busy = subprocess.Popen([sys.executable, "-c", f"import time\n{spin}time.sleep(30)"])
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        clock = bench_mail.CpuClock(busy=[busy.pid], idle=[idle.pid])
        clock.start()
        deadline = time.monotonic() + 60
        while bench_mail.CpuClock._process(busy.pid) < 0.4 and time.monotonic() < deadline:
            time.sleep(0.05)
        clock.stop()
    finally:
        for process in (busy, idle):
            process.kill()
            process.wait()
    assert 0.3 <= clock.spent["busy"] < 2
    assert clock.spent["idle"] < 0.1
    assert clock.spent["machine"] >= clock.spent["busy"]
    report = clock.report(1.0)
    assert f"busy {clock.spent['busy']:.1f}" in report and "idle 0.0" in report


def test_the_python_sink_takes_mail_over_smtp():
    with bench_mail._sink_running("aiosmtpd") as (port, pid):
        assert pid > 0
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            refused = smtp.sendmail(
                "noreply@almennet.dk", ["modtager@example.dk"], b"Subject: Hej\r\n\r\nHej\r\n"
            )
    assert refused == {}


@pytest.mark.django_db
def test_mail_already_due_is_delivered_before_the_newsletter_is_timed(settings):
    from django.core import mail

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    due = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.bulk_create(
        OutboxMessageFactory.build(
            to=f"person-{n}@example.dk", template="events/mail/confirmation", next_attempt_at=due
        )
        for n in range(3)
    )
    assert bench_mail._leftovers_deliver() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"person-{n}@example.dk" for n in range(3)]
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
