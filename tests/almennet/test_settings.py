"""Production settings: refuse to start without secrets, and pass Django's deploy checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-" + "x" * 40,
    "ALLOWED_HOSTS": "portal.almennet.dk",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/almennet_settings_check",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://portal.almennet.dk",
}
VARIABLES = [*PRODUCTION, "CACHE_URL", "ALLOW_SMALL_INSTALL", "SECURE_PROXY_SSL_HEADER"]


def _manage(*args, **env_overrides):
    # The browser tests allow async-unsafe ORM calls in their own process; production never does.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _setting(expression: str, **env_overrides):
    """A value from the settings module as production (or the overrides) would load it."""
    code = f"import json; from django.conf import settings as s; print(json.dumps({expression}))"
    result = _manage("shell", "-c", code, **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL", "EMAIL_URL"])
def test_production_refuses_to_start_half_configured(variable):
    result = _manage("check", **{variable: None})
    assert result.returncode != 0
    assert f"{variable} is not set. Production (DEBUG off) needs {variable}" in result.stderr


def test_production_names_every_missing_variable_at_once():
    result = _manage("check", REDIS_URL=None, EMAIL_URL=None)
    assert "REDIS_URL, EMAIL_URL are not set" in result.stderr
    assert "ALLOW_SMALL_INSTALL=on" in result.stderr


def test_a_small_install_is_a_stated_choice_and_still_needs_postgresql():
    small = {"REDIS_URL": None, "EMAIL_URL": None, "ALLOW_SMALL_INSTALL": "on"}
    assert _manage("check", **small).returncode == 0
    assert _setting("s.CELERY_TASK_ALWAYS_EAGER", **small) is True
    result = _manage("check", DATABASE_URL=None, **small)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_production_never_loads_the_embedded_postgresql():
    code = "import sys; print(sorted(m for m in sys.modules if 'pgserver' in m or 'embedded' in m))"
    result = _manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_cache_url_defaults_to_redis_url_and_takes_its_own_database():
    assert _setting('s.CACHES["default"]["LOCATION"]') == PRODUCTION["REDIS_URL"]
    location = _setting('s.CACHES["default"]["LOCATION"]', CACHE_URL="redis://cache:6379/1")
    assert location == "redis://cache:6379/1"
    assert (
        _setting("s.CELERY_BROKER_URL", CACHE_URL="redis://cache:6379/1")
        == (PRODUCTION["REDIS_URL"])
    )


def test_rediss_with_a_password_works_for_broker_and_cache():
    """TLS and a password (managed Redis): both clients take the URL as it is."""
    url = "rediss://:s3cr%2Ft@redis.example.org:6380/2"
    code = (
        "from django.core.cache import cache; from almennet.celery import app; "
        "pool = cache._cache._get_connection_pool(True); kwargs = pool.connection_kwargs; "
        "conn = app.connection_for_write(); "
        "result = [kwargs['password'], kwargs['host'], kwargs['port'], kwargs['db'], "
        "pool.connection_class.__name__, conn.transport_cls, conn.ssl is not False, "
        "conn.password, conn.hostname, conn.port]"
    )
    result = _manage("shell", "-c", code + "; print(result)", REDIS_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "['s3cr/t', 'redis.example.org', 6380, 2, 'SSLConnection', 'rediss', True, "
        "'s3cr/t', 'redis.example.org', 6380]"
    )


def test_the_https_header_is_trusted_only_when_configured():
    assert _setting('getattr(s, "SECURE_PROXY_SSL_HEADER", None)') is None
    header = _setting("s.SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert header == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_data_paths_come_from_the_data_folder(tmp_path):
    paths = _setting(
        "[str(s.STATIC_ROOT), str(s.MEDIA_ROOT), str(s.PRIVATE_MEDIA_ROOT)]",
        DATA_DIR=str(tmp_path),
    )
    assert paths == [str(tmp_path / name) for name in ("static", "media", "private-media")]
    assert _setting("str(s.STATIC_ROOT)", DATA_DIR=str(tmp_path), STATIC_ROOT="/srv/static") == (
        "/srv/static"
    )
