"""Two-factor setup started from a page (the ballot) returns to it, after the recovery codes."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from devtools.factories.members import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _logged_in(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return user


# allauth keeps the session valid for the new factor in an on-commit callback
# (members/security.py), which must run within the request: real transactions here.
@pytest.mark.django_db(transaction=True)
def test_setup_from_the_ballot_shows_the_codes_then_returns_to_the_ballot(client):
    _logged_in(client)
    ballot = "/strategy/votes/7/"
    page = client.get(reverse("mfa_activate_totp") + f"?next={ballot}")
    assert page.status_code == 200  # no second password prompt right after the login
    assert f'name="next" value="{ballot}"' in page.content.decode()
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret), "next": ballot})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("mfa_view_recovery_codes") + "?next=%2Fstrategy%2Fvotes%2F7%2F"
    )
    codes = client.get(response["Location"])
    assert codes.status_code == 200, (codes.status_code, codes.get("Location"))
    html = codes.content.decode()
    assert codes.context["unused_codes"]
    assert codes.context["unused_codes"][0] in html
    assert f'href="{ballot}" data-testid="mfa-continue"' in html


@pytest.mark.django_db(transaction=True)
def test_without_next_the_setup_ends_on_the_codes_as_before(client):
    _logged_in(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.status_code == 200 and codes.context["unused_codes"]
    assert 'data-testid="mfa-continue"' not in codes.content.decode()


def test_a_next_to_another_site_is_dropped(client):
    _logged_in(client)
    page = client.get(reverse("mfa_activate_totp") + "?next=https://evil.example/")
    assert 'name="next"' not in page.content.decode()
    secret = page.context["form"].secret
    response = client.post(
        reverse("mfa_activate_totp"), {"code": _code(secret), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("mfa_view_recovery_codes")


def test_the_ballot_links_to_the_setup_with_the_way_back(client):
    from devtools.factories.strategy import FocusAreaFactory, board_member, make_round, staff_user

    voter = board_member(mfa=False)
    voting_round = make_round(
        staff=staff_user(), focus_areas=[FocusAreaFactory(), FocusAreaFactory()]
    )
    from strategy import services

    services.round_open(voting_round=voting_round, actor=staff_user())
    client.force_login(voter)
    html = client.get(voting_round.get_absolute_url()).content.decode()
    path = voting_round.get_absolute_url()
    assert f'href="{reverse("mfa_activate_totp")}?next={path}"' in html
