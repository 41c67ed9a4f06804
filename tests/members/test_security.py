"""Second factors per session (issue 12, findings 1 and 2): members/middleware.py and
members/security.py."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import UserFactory, staff_with_totp
from tests.logins import login_password_only

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _is_logged_in(client) -> bool:
    return client.get(reverse("members:me")).status_code == 200


STAFF_PAGES = [
    "events:check_in",
    "events:badges",
    "events:certificates",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_without_a_factor_are_sent_to_set_one_up_from_event_staff_pages(client, name):
    """Finding 1: these pages answered 200 to staff without TOTP (only /admin/ was checked)."""
    event = EventFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(name, kwargs={"slug": event.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_without_a_factor_cannot_post_a_check_in(client):
    registration = RegistrationFactory(status="confirmed")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    path = reverse("events:check_in", kwargs={"slug": registration.event.slug})
    response = client.post(path, {"registration": registration.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    registration.refresh_from_db()
    assert registration.status == "confirmed"


@pytest.mark.parametrize(
    "path",
    [
        "/events/statistics/",
        "/members/engagement/",
        "/members/engagement/export.csv",
        "/en/members/engagement/",
    ],
)
def test_staff_without_a_factor_get_no_reports(client, path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_an_unpublished_publication_needs_the_factor_too(client):
    from devtools.factories.publications import PublicationFactory

    publication = PublicationFactory(is_published=False)
    client.force_login(UserFactory(is_staff=True))
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_password_only_session_of_staff_with_totp_is_asked_for_the_code():
    """Finding 2: the account has TOTP, this session never gave it: the code is asked for,
    and after it the page opens."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRET)
    client = Client()
    login_password_only(client, staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert client.get("/events/statistics/")["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/", {"code": _code()}, follow=False
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get("/events/statistics/").status_code == 200


def test_a_wrong_code_does_not_open_the_admin():
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, SECRET)
    client = Client()
    login_password_only(client, staff)
    client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_session_from_before_the_factor_was_added_is_ended():
    """Finding 2 as reported: a session logged in with the password alone, then TOTP is
    turned on in another session; the first session is logged out."""
    staff = _verified(UserFactory(is_staff=True, is_superuser=True))
    client = _password_login(staff)
    TOTP.activate(staff, SECRET)  # the other session
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not _is_logged_in(client)


# allauth sends authenticator_added after the commit: these run with real commits.
@pytest.mark.django_db(transaction=True)
def test_adding_a_factor_ends_the_other_sessions_but_keeps_this_one():
    user = _verified(UserFactory())
    other = _password_login(user)
    this = _password_login(user)
    this.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = this.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = this.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302, response.content[:800]
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert _is_logged_in(this)
    assert not _is_logged_in(other)


def test_removing_a_factor_ends_the_other_sessions_but_keeps_this_one():
    user = _verified(UserFactory())
    TOTP.activate(user, SECRET)
    this, other = Client(), Client()
    this.force_login(user)
    other.force_login(user)
    this.post(reverse("mfa_reauthenticate"), {"code": _code()})
    response = this.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302, response.content[:800]
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert _is_logged_in(this)
    assert not _is_logged_in(other)


@pytest.mark.django_db(transaction=True)
def test_setting_up_totp_lets_the_staff_session_through():
    """Setting up the factor proves it in this session: no second prompt straight after."""
    staff = _verified(UserFactory(is_staff=True, is_superuser=True))
    client = _password_login(staff)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("mfa_activate_totp"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_people_without_a_factor_keep_their_sessions_across_the_upgrade(client):
    """The session hash of someone without a factor is Django's own: nobody is logged out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    user = UserFactory()
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)
    staff = staff_with_totp()
    assert staff.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(staff)


def test_members_without_staff_rights_are_not_asked_for_a_factor(client):
    client.force_login(UserFactory())
    assert client.get(reverse("members:me")).status_code == 200


def test_a_board_members_session_from_before_totp_cannot_vote():
    """Finding 2 for voting: the board member's password-only session from before TOTP was
    set up (elsewhere) is ended, so it reaches neither the ballot nor the vote."""
    from devtools.factories.strategy import FocusAreaFactory, board_member, make_round, staff_user
    from strategy.services import round_open

    staff = staff_user()
    voter = _verified(board_member(mfa=False))
    voting_round = round_open(
        voting_round=make_round(staff=staff, focus_areas=[FocusAreaFactory(), FocusAreaFactory()]),
        actor=staff,
    )
    client = _password_login(voter)
    assert client.get(voting_round.get_absolute_url()).status_code == 200
    TOTP.activate(voter, SECRET)  # in another session
    response = client.get(voting_round.get_absolute_url())
    assert response.status_code == 302 and "/login/" in response["Location"]
    item = voting_round.items.first()
    response = client.post(voting_round.get_absolute_url(), {f"rank_{item.pk}": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
