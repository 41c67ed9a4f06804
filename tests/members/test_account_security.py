"""Account takeover paths (issue 12, finding 7): address changes need the password again and
tell the old address; in the admin a non-superuser changes nothing about a superuser."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from devtools.factories.members import UserFactory, staff_with_totp
from members.models import User
from tests.logins import login_a_while_ago

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _address(user, email, *, primary):
    return EmailAddress.objects.create(user=user, email=email, verified=True, primary=primary)


def test_adding_an_address_asks_for_the_password_first(client):
    user = UserFactory(email="gammel@example.dk")
    _address(user, user.email, primary=True)
    login_a_while_ago(client, user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "angriber@evil.example"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="angriber@evil.example").exists()


def test_a_new_primary_address_is_told_to_the_old_one(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="gammel@example.dk")
    _address(user, "gammel@example.dk", primary=True)
    _address(user, "ny@example.dk", primary=False)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_primary": "", "email": "ny@example.dk"})
    assert EmailAddress.objects.get(email="ny@example.dk").primary
    to_old = [m for m in mail.outbox if "gammel@example.dk" in m.to]
    assert to_old, [m.to for m in mail.outbox]
    assert "ny@example.dk" in to_old[0].body


def test_turning_off_the_second_factor_asks_for_it_again(client):
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory()
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    login_a_while_ago(client, user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=user, type="totp").exists()


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def secretariat_client():
    user = staff_with_totp()
    user.groups.add(Group.objects.get(name="Secretariat"))
    # Whatever the group holds today, this person may change users and addresses.
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_user",
                "change_user",
                "delete_user",
                "view_emailaddress",
                "change_emailaddress",
                "add_emailaddress",
                "delete_emailaddress",
                "view_authenticator",
                "delete_authenticator",
            ]
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser():
    user = UserFactory(email="root@example.dk", is_staff=True, is_superuser=True)
    _address(user, user.email, primary=True)
    return user


def test_a_non_superuser_cannot_set_a_superusers_password(secretariat_client, superuser):
    old_hash = superuser.password
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert secretariat_client.get(url).status_code == 403
    response = secretariat_client.post(
        url, {"password1": "Ny-adgangskode-123!", "password2": "Ny-adgangskode-123!"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.password == old_hash


def test_a_non_superuser_cannot_change_or_delete_a_superuser(secretariat_client, superuser):
    change = reverse("admin:members_user_change", args=[superuser.pk])
    page = secretariat_client.get(change)
    assert page.status_code == 200  # viewing is fine
    assert 'name="email"' not in page.content.decode()  # read-only
    response = secretariat_client.post(
        change, {"email": "taken@evil.example", "is_active": "on", "language": "da"}
    )
    assert response.status_code == 403
    delete = reverse("admin:members_user_delete", args=[superuser.pk])
    assert secretariat_client.post(delete, {"post": "yes"}).status_code == 403
    response = secretariat_client.post(
        reverse("admin:members_user_changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@example.dk" and superuser.is_superuser


def test_a_non_superuser_still_manages_ordinary_users(secretariat_client):
    person = UserFactory(email="almindelig@example.dk")
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    assert secretariat_client.get(url).status_code == 200


def test_a_non_superuser_cannot_grant_superuser(secretariat_client):
    person = UserFactory(email="almindelig@example.dk")
    page = secretariat_client.get(reverse("admin:members_user_change", args=[person.pk]))
    assert 'name="is_superuser"' not in page.content.decode()
    assert not User.objects.get(pk=person.pk).is_superuser


def test_a_non_superuser_cannot_touch_a_superusers_address_or_factor(secretariat_client, superuser):
    address = EmailAddress.objects.get(user=superuser)
    change = reverse("admin:account_emailaddress_change", args=[address.pk])
    response = secretariat_client.post(
        change,
        {"user": superuser.pk, "email": "taken@evil.example", "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == "root@example.dk"
    # Nor add a verified address of the attacker's to the superuser (a password reset to it).
    response = secretariat_client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": superuser.pk, "email": "taken@evil.example", "verified": "on"},
    )
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email="taken@evil.example").exists()
    factor = Authenticator.objects.create(user=superuser, type="totp", data={"secret": "x"})
    delete = reverse("admin:mfa_authenticator_delete", args=[factor.pk])
    assert secretariat_client.post(delete, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=factor.pk).exists()
