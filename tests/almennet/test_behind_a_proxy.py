"""Behind a load balancer: the client's address, the HTTPS header, the health probe, and no
demo data in production."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from gunicorn.config import Config as GunicornConfig

from almennet.client_address import ClientAddressMiddleware, client_address
from almennet.gunicorn_conf import ClientAddressLogger
from devtools.factories.members import UserFactory
from members.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["portal.almennet.dk"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_healthz_answers_a_plain_http_probe_by_address_without_a_redirect(client, production):
    response = client.get("/healthz", HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    # Every other page still redirects to https and checks the host.
    assert client.get("/", HTTP_HOST="portal.almennet.dk").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400


@pytest.mark.django_db
def test_healthz_names_redis_when_it_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["redis"] == "down"


@pytest.mark.django_db
def test_healthz_checks_a_separate_cache_too(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/4"
    settings.CACHE_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "cache": "down"}


def test_https_is_not_taken_from_a_header_unless_configured(settings, production):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure() is False
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert request.is_secure() is True


@pytest.mark.parametrize(
    ("count", "header", "meta", "expected"),
    [
        (0, "", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.2"),
        (1, "", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        # The client may send its own X-Forwarded-For; only the proxies' entries count.
        (1, "", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}, "203.0.113.9"),
        (2, "", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.9"}, "203.0.113.9"),
        (2, "", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.2"),
        (1, "", {}, "10.0.0.2"),
        (1, "", {"HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.2"),
        (0, "X-Real-IP", {"HTTP_X_REAL_IP": "2001:db8::7"}, "2001:db8::7"),
        (0, "X-Real-IP", {}, "10.0.0.2"),
    ],
)
def test_client_address(settings, count, header, meta, expected):
    settings.TRUSTED_PROXY_COUNT = count
    settings.CLIENT_IP_HEADER = header
    assert client_address({"REMOTE_ADDR": "10.0.0.2", **meta}) == expected


def test_the_middleware_puts_the_client_in_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = {}

    def view(request):
        seen.update(remote=request.META["REMOTE_ADDR"], proxy=request.META["PROXY_ADDR"])

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    ClientAddressMiddleware(view)(request)
    assert seen == {"remote": "203.0.113.9", "proxy": "10.0.0.2"}


def test_the_access_log_shows_the_client_not_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    logger = ClientAddressLogger(GunicornConfig())

    class Response:
        status = "200 OK"
        headers = []
        sent = 10

    environ = {
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    atoms = logger.atoms(Response(), [], environ, datetime.timedelta(seconds=0.01))
    assert atoms["h"] == "203.0.113.9"


@pytest.mark.django_db
def test_failed_logins_are_limited_per_client_not_per_load_balancer(client, settings):
    """Ten wrong passwords from one client behind the balancer must not lock out the next
    client, who arrives from the same balancer address."""
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="ida@example.dk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for number in range(12):
        # A fresh address each time, so only the per-address limit could trip.
        client.post(
            "/accounts/login/",
            {"login": f"nobody{number}@example.dk", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    response = Client().post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert response.status_code == 302
    # The attacking client itself is limited, even with the right password of another account.
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        assert "for mange mislykkede" in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=on"):
        call_command("seed_demo")
    assert not User.objects.filter(email="sekretariat@almennet.dk").exists()
