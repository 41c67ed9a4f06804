"""Past one machine: two gunicorn processes (A and B) and two Celery workers share one
PostgreSQL (the test database), one Redis and one S3 endpoint (moto's server), with mail going
to a local SMTP sink. Shown here, through HTTP as a browser would:

- a session made on A (a login) works on B;
- a content change made on A (a sign-up takes a seat) shows on B's cached visitor page at once;
- a file uploaded on A (through the admin) downloads on B (a signed link to the bucket);
- one newsletter, drained by both workers at once, reaches every address exactly once.

`make scale-demo` runs this test and prints what it shows. Redis: SCALE_TEST_REDIS_URL, else
REDIS_URL, else database 5; the test owns that database (it is flushed).
"""

import contextlib
import html.parser
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from celery import Celery
from django.db import connection

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from devtools.factories.publications import PublicationFactory, pdf_bytes
from devtools.smtp_sink import SmtpSink, free_port
from newsletters.models import Newsletter, Subscriber
from newsletters.services import newsletter_send
from outbox.models import OutboxMessage
from publications.models import PublicationFile
from tests import s3
from tests.outbox.test_integration_worker import database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SCALE_TEST_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/5"
)
SUBSCRIBERS = 300
PASSWORD = "korrekt-hest-batteri-42"  # noqa: S105
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def say(text: str) -> None:
    """What `make scale-demo` prints (pytest -s)."""
    print(f"scale-demo: {text}", flush=True)  # noqa: T201


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must provide it.")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


class Processes:
    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp_path = tmp_path
        self.env = env
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running.append((name, process))
        return process

    def web(self, name: str) -> str:
        port = free_port()
        self.start(name, [
            sys.executable, "-m", "gunicorn", "almennet.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
            "--log-level", "warning",
        ])  # fmt: skip
        return f"http://127.0.0.1:{port}"

    def worker(self, name: str) -> None:
        self.start(name, [
            sys.executable, "-m", "celery", "-A", "almennet", "worker",
            "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"{name}-{time.monotonic_ns()}@%h",
        ])  # fmt: skip

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{(self.tmp_path / f'{name}.log').read_text()[-3000:]}"
            for name, _process in self.running
        )

    def stop(self) -> None:
        for _name, process in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_for(condition, *, timeout: float, what: str, processes: Processes):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if condition():
                return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}.\n{processes.logs()}")


class FormFields(html.parser.HTMLParser):
    """The fields of one <form> (found by its id or action) with their current values, as a
    browser would submit them: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_match):
        super().__init__()
        self.form_match = form_match
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form_match(a)
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "on"))  # as browsers do
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, form_match) -> list[tuple[str, str]]:
    parser = FormFields(form_match)
    parser.feed(page)
    return parser.fields


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(session: requests.Session, base: str, email: str, *, totp: bool = False) -> None:
    page = session.get(f"{base}/accounts/login/")
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "login": email, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    if totp:
        step = session.get(base + response.headers["Location"])
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        response = session.post(
            step.url,
            data={"csrfmiddlewaretoken": csrf_token(step.text), "code": code},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:2000]


def test_two_web_processes_and_two_workers_share_sessions_content_files_and_mail(
    redis_db, tmp_path, settings
):
    started = time.monotonic()
    settings.MAILINGS_PARALLEL_DRAINS = 0  # this process must not deliver; the workers do
    # Passwords hashed as the web processes check them (the tests' fast MD5 is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    member = UserFactory(email="deltager@example.dk", password=PASSWORD)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    staff = UserFactory(email="sekretariat@example.dk", password=PASSWORD, is_staff=True)
    staff.is_superuser = True
    staff.save()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    TOTP.activate(staff, TOTP_SECRET)
    event = EventFactory(capacity=5)
    publication = PublicationFactory(title="Rapport om naboskab")
    Subscriber.objects.bulk_create(
        Subscriber(email=f"laeser{i:04d}@example.dk", status="confirmed")
        for i in range(SUBSCRIBERS)
    )
    connection.close()  # the web processes and workers get their own connections

    with s3.moto_server() as endpoint, SmtpSink() as sink:
        s3.buckets_create(endpoint)
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR")
        }
        env |= {
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "EMAIL_URL": sink.url,
            "DEBUG": "on",
            "PAGE_CACHE_SECONDS": "60",
            "PYTHONPATH": str(ROOT),
            **s3.storage_env(endpoint),
        }
        processes = Processes(tmp_path, env)
        try:
            a, b = processes.web("web-a"), processes.web("web-b")
            processes.worker("worker-1")
            processes.worker("worker-2")
            for base in (a, b):
                wait_for(lambda base=base: requests.get(f"{base}/healthz", timeout=5).ok,
                         timeout=60, what=f"{base} to answer", processes=processes)  # fmt: skip
            say(f"web A {a}, web B {b}, two workers, S3 {endpoint}, SMTP {sink.url}")

            # 1. A session made on A works on B.
            browser = requests.Session()
            log_in(browser, a, member.email)
            mine = browser.get(f"{b}/events/mine/", allow_redirects=False)
            assert mine.status_code == 200
            anonymous = requests.get(f"{b}/events/mine/", allow_redirects=False, timeout=15)
            assert anonymous.status_code == 302
            say("a login on A is a session on B")

            # 2. A change on A shows on B's cached visitor page at once.
            event_url = f"/events/{event.slug}/"
            for _ in range(2):  # the second answer comes from the shared page cache
                assert "5 pladser tilbage" in requests.get(b + event_url, timeout=15).text
            page = browser.get(a + event_url)
            signup = browser.post(
                f"{a}{event_url}signup/",
                data={"csrfmiddlewaretoken": csrf_token(page.text)},
                headers={"Referer": a + event_url},
                allow_redirects=False,
            )
            assert signup.status_code == 302, signup.text[:2000]
            visitor_page = requests.get(b + event_url, timeout=15).text
            assert "4 pladser tilbage" in visitor_page, "B served a stale page"
            say("a sign-up on A shows on B's visitor page at once")

            # 3. A file uploaded on A (the admin, with two-factor login) downloads on B.
            admin = requests.Session()
            log_in(admin, a, staff.email, totp=True)
            change_url = f"{a}/admin/publications/publication/{publication.pk}/change/"
            form = admin.get(change_url)
            assert form.status_code == 200, form.text[:1000]
            fields = form_fields(form.text, lambda attrs: attrs.get("id") == "publication_form")
            data = [(n, v) for n, v in fields if not n.startswith("files-0-")]
            data += [("files-0-title", "Rapporten"), ("files-0-position", "0"), ("_save", "Gem")]
            data = [(n, "1" if n == "files-TOTAL_FORMS" else v) for n, v in data]
            saved = admin.post(
                change_url,
                data=data,
                files={"files-0-file": ("rapport.pdf", pdf_bytes("Naboskab"), "application/pdf")},
                headers={"Referer": change_url},
                allow_redirects=False,
            )
            assert saved.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>',
                                                        saved.text, re.S)  # fmt: skip
            stored = PublicationFile.objects.get(publication=publication)
            assert s3.client(endpoint).head_object(Bucket=s3.PRIVATE_BUCKET, Key=stored.file.name)
            download = requests.get(
                f"{b}/publications/{publication.slug}/files/{stored.pk}/",
                allow_redirects=False,
                timeout=15,
            )
            assert download.status_code == 302
            assert download.headers["Location"].startswith(f"{endpoint}/{s3.PRIVATE_BUCKET}/")
            fetched = requests.get(download.headers["Location"], timeout=15)
            assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-")
            say("a file uploaded on A downloads on B through a signed link to the bucket")

            # 4. One newsletter, drained by both workers at once, goes out exactly once.
            newsletter = Newsletter.objects.create(subject="Nyt fra AlmenNet", slug="nyt")
            assert newsletter_send(newsletter=newsletter, actor=None).queued == SUBSCRIBERS
            broker = Celery(broker=REDIS_URL, set_as_current=False)
            try:
                for _ in range(4):
                    broker.send_task("outbox.tasks.outbox_drain")
            finally:
                broker.close()

            def newsletter_delivered():
                return (
                    sum(1 for address in sink.handler.per_address() if address.startswith("laeser"))
                    >= SUBSCRIBERS
                )

            wait_for(newsletter_delivered, timeout=60, what="the newsletter", processes=processes)
            time.sleep(1.0)  # a duplicate would arrive now
        finally:
            processes.stop()

    per_address = {
        address: count
        for address, count in sink.handler.per_address().items()
        if address.startswith("laeser")
    }
    assert len(per_address) == SUBSCRIBERS
    assert set(per_address.values()) == {1}
    newsletter.refresh_from_db()
    sent = OutboxMessage.objects.filter(batch=newsletter.batch, status=OutboxMessage.Status.SENT)
    assert sent.count() == SUBSCRIBERS
    # The sign-up's confirmation went out too, through a worker.
    assert sink.handler.per_address()[member.email] >= 1
    say(f"{SUBSCRIBERS} newsletter mails, each address exactly once, from two workers")
    say(f"done in {time.monotonic() - started:.0f} s")
