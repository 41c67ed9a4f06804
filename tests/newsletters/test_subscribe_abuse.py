"""The newsletter form must not mail anyone any text (issue 12, finding 8): limits per client
address and per recipient, a honeypot, and no name in the confirmation mail."""

import pytest
from django.core import mail
from django.urls import reverse

from newsletters.models import Subscriber
from newsletters.views import SUBSCRIBE_LIMITS
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

ATTACK = "Visit http://evil.example/login to keep your account"


def _subscribe(client, email, **extra):
    data = {"email": email, "name": ATTACK, "consent": "on", **extra}
    return client.post(reverse("newsletters:subscribe"), data)


def test_one_client_cannot_mail_many_addresses(client):
    limit, _seconds = SUBSCRIBE_LIMITS["client"]
    statuses = [_subscribe(client, f"offer{n}@example.dk").status_code for n in range(25)]
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}
    assert OutboxMessage.objects.count() == limit
    page = _subscribe(client, "one-more@example.dk").content.decode()
    assert "for mange tilmeldinger" in page


def test_another_client_is_not_held_back_by_the_first(client):
    limit, _seconds = SUBSCRIBE_LIMITS["client"]
    for n in range(limit + 2):
        client.post(
            reverse("newsletters:subscribe"),
            {"email": f"a{n}@example.dk", "consent": "on"},
            REMOTE_ADDR="203.0.113.1",
        )
    response = client.post(
        reverse("newsletters:subscribe"),
        {"email": "b@example.dk", "consent": "on"},
        REMOTE_ADDR="203.0.113.2",
    )
    assert response.status_code == 200


def test_one_recipient_is_not_flooded_from_many_clients(client):
    limit, _seconds = SUBSCRIBE_LIMITS["recipient"]
    statuses = [
        client.post(
            reverse("newsletters:subscribe"),
            {"email": "victim@example.dk", "consent": "on"},
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n in range(1, limit + 3)
    ]
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}


def test_the_honeypot_stores_and_mails_nothing_but_answers_alike(client):
    response = _subscribe(client, "bot@example.dk", website="http://spam.example/")
    assert response.status_code == 200
    assert "bot@example.dk" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(reverse("newsletters:subscribe")).content.decode()
    assert 'class="d-none" aria-hidden="true"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_when_the_cache_is_down_nothing_is_mailed_and_nothing_fails(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = _subscribe(client, "ida@example.dk")
    assert response.status_code == 429
    assert not OutboxMessage.objects.exists()


def test_the_confirmation_mail_leaves_the_name_out(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "ida@example.dk")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "evil.example" not in message.body
    html = next(c for c, mimetype in message.alternatives if mimetype == "text/html")
    assert "evil.example" not in html
    assert message.body.lstrip().startswith("Hej")


def test_the_account_sign_up_mail_leaves_the_name_out(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "ny@boligselskab.dk",
                "first_name": "Visit http://evil.example/login",
                "last_name": "now",
                "password1": "En-lang-og-god-adgangskode-42",
                "password2": "En-lang-og-god-adgangskode-42",
            },
        )
    assert len(mail.outbox) == 1
    assert "evil.example" not in mail.outbox[0].body
    assert "nogen har angivet din e-mailadresse" in mail.outbox[0].body
