"""One installable artifact: the wheel, installed outside the checkout, serves the portal with
production settings. The steps are the Dockerfile's build steps (checked against it in
tests/almennet/test_container.py), run in a fresh virtualenv in a temporary folder.

To avoid downloading every dependency again, the fresh virtualenv sees this virtualenv's
site-packages through a .pth line (as a plain path: the editable install's own .pth hook of the
checkout is not run), and the wheel is installed with --no-deps, as in the Dockerfile."""

import os
import re
import site
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args, *, cwd, env, timeout=300):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _database(name: str):
    """A database of its own on the tests' PostgreSQL server, and its URL."""
    db = settings.DATABASES["default"]
    connect = {
        "dbname": "postgres",
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"] or None,
    }
    connection = psycopg2.connect(**connect)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    host = quote(db["HOST"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return connect, f"postgres://{auth}@{host}{port}/{name}"


def _drop(connect: dict, name: str) -> None:
    connection = psycopg2.connect(**connect)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    connection.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local http URL
    try:
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=20) as response:  # noqa: S310 - a local http URL
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.django_db
def test_the_wheel_installed_outside_the_checkout_serves_the_portal(tmp_path):
    wheels, venv, data, work = (tmp_path / n for n in ("wheels", "venv", "data", "work"))
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "PYTHON", "VIRTUAL_ENV"))
        and key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "DEBUG"}
    }
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"

    # The Dockerfile's build stage, step by step.
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
        cwd=ROOT,
        env=env,
    )
    wheel = next(wheels.glob("almennet_portal-*.whl"))
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work, env=env)
    purelib = _run(
        [
            str(venv / "bin/python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        cwd=work,
        env=env,
    ).strip()
    Path(purelib, "almennet-test-dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    _run([str(venv / "bin/pip"), "install", "-q", "--no-deps", str(wheel)], cwd=work, env=env)

    located = _run(
        [
            str(venv / "bin/python"),
            "-c",
            "import almennet, events; print(almennet.__file__); print(events.__file__)",
        ],
        cwd=work,
        env=env,
    ).split()
    assert all(path.startswith(purelib) for path in located), located

    name = f"{settings.DATABASES['default']['NAME']}_wheel"[:63]
    connect, url = _database(name)
    port = _free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="almennet.settings",
        DEBUG="off",
        SECRET_KEY="a-production-secret-for-the-wheel-test-" + "x" * 30,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1",
        DATABASE_URL=url,
        ALLOW_SMALL_INSTALL="on",
        DATA_DIR=str(data),
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    # django-admin and gunicorn as modules: their scripts live in the other virtualenv.
    django_admin = [str(venv / "bin/python"), "-m", "django"]
    server = None
    try:
        _run([*django_admin, "migrate", "--noinput"], cwd=work, env=env)
        # As the Dockerfile runs it: at build time, no database or Redis to be had.
        build_env = {
            **env,
            "ALLOW_SMALL_INSTALL": "on",
            "SECRET_KEY": "collectstatic-at-build-time",
            "ALLOWED_HOSTS": "build",
            "DATABASE_URL": "postgres://build@build/build",
        }
        _run([*django_admin, "collectstatic", "--noinput"], cwd="/", env=build_env)
        bundled = _run(
            [
                *django_admin,
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings as s; "
                "print(*[s.TEMPLATES[0]['DIRS'][0], *s.STATICFILES_DIRS, *s.LOCALE_PATHS], "
                "sep='\\n')",
            ],
            cwd=work,
            env=env,
        ).split()
        # Project templates, static files and every catalogue (the vendored ones too) come
        # from the installed package.
        assert len(bundled) == 6
        for folder in bundled:
            assert folder.startswith(purelib) and any(Path(folder).rglob("*")), folder
        assert list(Path(bundled[2]).rglob("django.mo")) and list(
            Path(bundled[2]).rglob("django.po")
        )
        _run(
            [*django_admin, "check", "--deploy", "--fail-level", "WARNING"],
            cwd=work,
            env=env,
        )
        _run(
            [
                *django_admin,
                "shell",
                "-c",
                "import datetime; from django.utils import timezone; "
                "from events.models import Event, EventSession; "
                "e = Event.objects.create(title='Hjulbenet seminar', slug='hjulbenet-seminar', "
                "is_published=True); s = timezone.now() + datetime.timedelta(days=5); "
                "EventSession.objects.create(event=e, starts_at=s, "
                "ends_at=s + datetime.timedelta(hours=2))",
            ],
            cwd=work,
            env=env,
        )
        server = subprocess.Popen(
            [
                str(venv / "bin/python"),
                "-m",
                "gunicorn",
                "-c",
                "python:almennet.gunicorn_conf",
                "almennet.wsgi",
            ],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        https = {"X-Forwarded-Proto": "https"}

        status, front = _get(f"{base}/", **https)
        assert status == 200, front[:2000]
        assert "Næste arrangementer" in front  # the project's Danish catalogue
        assert "Hjulbenet seminar" in front
        status, page = _get(f"{base}/events/hjulbenet-seminar/", **https)
        assert status == 200, page[:2000]
        assert "Hjulbenet seminar" in page
        status, english = _get(f"{base}/en/", **https)
        assert status == 200
        assert "Next events" in english
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', front).group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)  # the manifest's hashed name
        assert _get(f"{base}{stylesheet}", **https)[0] == 200
        # Plain HTTP is redirected to https, the health probe is not.
        assert _get(f"{base}/")[0] == 301
        assert _get(f"{base}/healthz")[0] == 200
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _drop(connect, name)

    assert (tmp_path / "static" / "staticfiles.json").exists()
    written = [p for p in Path(purelib).rglob("*") if p.name in {"var", "media", "pgdata"}]
    assert written == []
