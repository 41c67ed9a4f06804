import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail

from devtools.factories.members import UserFactory
from members.models import User
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _signup(client, email="ny@boligselskab.dk"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "first_name": "Ida",
            "last_name": "Jensen",
            "password1": "En-lang-og-god-adgangskode-42",
            "password2": "En-lang-og-god-adgangskode-42",
        },
    )


def test_signup_requires_email_verification_before_login(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="ny@boligselskab.dk")
    assert (user.first_name, user.last_name, user.language) == ("Ida", "Jensen", "da")
    assert not EmailAddress.objects.get(user=user).verified
    # The confirmation went through the outbox and was delivered after commit.
    assert len(mail.outbox) == 1
    assert "ny@boligselskab.dk" in mail.outbox[0].to
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # allauth's greeting names the portal (it said "Hej fra !" and "en konto på .").
    assert "Hej fra AlmenNet!" in mail.outbox[0].body
    assert "en konto på 127.0.0.1:8000" in mail.outbox[0].body
    assert "example.com" not in mail.outbox[0].body
    html = next(c for c, mimetype in mail.outbox[0].alternatives if mimetype == "text/html")
    assert '<a href="http' in html and "/accounts/confirm-email/" in html
    assert OutboxMessage.objects.get(to="ny@boligselskab.dk").status == OutboxMessage.Status.SENT

    # Not logged in until the address is confirmed.
    assert client.get("/accounts/email/").status_code == 302


def test_signup_with_bad_input_explains_and_creates_nothing(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "not-an-email",
            "first_name": "",
            "last_name": "",
            "password1": "1",
            "password2": "2",
        },
    )
    assert response.status_code == 200
    assert not User.objects.exists()
    html = response.content.decode()
    assert "is-invalid" in html or "invalid-feedback" in html


def test_login_is_by_email(client):
    user = UserFactory(email="ida@example.dk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": "ida@example.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/email/").status_code == 200


def test_login_message_is_plain_danish(client):
    # allauth's own Danish said "Loggede succesfuldt ind med Ida Jensen."
    user = UserFactory(email="ida@example.dk", first_name="Ida", last_name="Jensen")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/", {"login": "ida@example.dk", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert "Du er logget ind som Ida Jensen." in html
    assert "succesfuldt" not in html


def test_failed_logins_are_rate_limited(client):
    user = UserFactory(email="ida@example.dk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _ in range(6):
        client.post("/accounts/login/", {"login": "ida@example.dk", "password": "wrong"})
    # Even the right password is refused while the limit holds.
    response = client.post("/accounts/login/", {"login": "ida@example.dk", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get("/accounts/email/").status_code == 302
    if response.status_code == 200:
        assert "for mange mislykkede" in response.content.decode()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_two_factor_is_sent_to_set_it_up(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_staff_with_two_factor_reaches_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_non_staff_gets_no_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert client.get("/admin/members/user/").status_code in (302, 403)
