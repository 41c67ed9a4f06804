"""The page cache under writes, across processes: this process writes and commits, a gunicorn
with two workers serves visitors through the same Redis, and no page read after a commit is
stale, even while other visitors request the page during the write.

Each write keeps its transaction open a moment after the save, while a visitor asks for the
page: had the content version moved on the save (before the commit), that visitor's request
would render the old row and store it under the new version, and the read after the commit
would get it from the cache."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from devtools.factories.events import EventFactory

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - a local http URL
        return response.headers.get("X-Page-Cache", ""), response.read().decode()


def _database_url() -> str:
    db = settings.DATABASES["default"]
    from urllib.parse import quote

    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'], safe='')}{port}/{db['NAME']}"


@pytest.fixture
def shared_redis_cache(settings):
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set: CI sets it (.ci/run)")
        pytest.skip("REDIS_URL is not set: the processes need a Redis to share")
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "almennet.cache.FailSafeRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "almennet",
        }
    }
    return url


@pytest.mark.django_db(transaction=True)
def test_another_process_never_serves_a_stale_page_after_the_commit(shared_redis_cache):
    event = EventFactory(title="Version 0")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}
    }
    env.update(
        DEBUG="on",
        DATABASE_URL=_database_url(),
        REDIS_URL=shared_redis_cache,
        PAGE_CACHE_SECONDS="60",
        PORT=str(port),
        WEB_CONCURRENCY="2",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:almennet.gunicorn_conf", "almennet.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/events/{event.slug}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

        stale = []
        for number in range(1, 6):
            assert "Version " + str(number - 1) in _get(url)[1]
            with transaction.atomic():
                event.title = f"Version {number}"
                event.save()
                # A visitor asks while the change is saved but not committed.
                reader = threading.Thread(target=_get, args=(url,))
                reader.start()
                reader.join()
                time.sleep(0.05)
            for _ in range(3):  # after the commit, whichever worker answers
                status, html = _get(url)
                if f"Version {number}" not in html:
                    stale.append((number, status))
        assert stale == []
        # The cache is in use, not bypassed: an unchanged page is a hit.
        assert _get(url)[0] == "hit"
    finally:
        server.terminate()
        server.wait(timeout=30)
