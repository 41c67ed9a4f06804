"""No second password prompt right after logging in: a fresh login counts as recent
authentication for allauth's re-authentication step, for ACCOUNT_REAUTHENTICATION_TIMEOUT."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from devtools.factories.members import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _log_in(client, user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_deleting_the_account_right_after_logging_in_asks_for_no_password(client):
    user = UserFactory()
    _log_in(client, user)
    response = client.get(reverse("members:account_delete"))
    assert response.status_code == 200
    assert "Slet" in response.content.decode()


def test_setting_up_two_factor_right_after_logging_in_asks_for_no_password(client):
    user = UserFactory()
    _log_in(client, user)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_login_older_than_the_timeout_asks_again(client, monkeypatch, settings):
    user = UserFactory()
    _log_in(client, user)
    later = time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(reverse("members:account_delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_failed_login_does_not_count(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": user.email, "password": "forkert"})
    response = client.get(reverse("members:account_delete"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_headers_log_in_and_sign_up_links_come_back_to_the_page(client):
    from devtools.factories.events import EventFactory

    event = EventFactory()
    html = client.get(event.get_absolute_url()).content.decode()
    back = f"?next={event.get_absolute_url()}"
    assert f'href="{reverse("account_login")}{back}"' in html
    assert f'href="{reverse("account_signup")}{back}"' in html
    login_page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_login")}?next=' not in login_page
