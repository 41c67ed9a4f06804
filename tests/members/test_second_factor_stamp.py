"""The session check reads the user's second factors from the user row (issue 14): no query of
its own on every request, and the row follows every way a factor comes or goes."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.members import UserFactory
from members.models import User

pytestmark = pytest.mark.django_db


def _factor(user):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )


def test_the_user_row_follows_factors_added_and_deleted():
    user = UserFactory()
    first = _factor(user)
    assert user.second_factors == str(first.pk)  # the caller's object too
    second = Authenticator.objects.create(
        user_id=user.pk, type=Authenticator.Type.WEBAUTHN, data={}
    )
    assert User.objects.get(pk=user.pk).second_factors == f"{first.pk},{second.pk}"
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    assert User.objects.get(pk=user.pk).second_factors == f"{first.pk},{second.pk}"
    Authenticator.objects.filter(pk=second.pk).delete()  # as the admin's bulk delete does
    assert User.objects.get(pk=user.pk).second_factors == str(first.pk)
    first.delete()
    assert User.objects.get(pk=user.pk).second_factors == ""


def test_a_factor_deleted_elsewhere_ends_the_session(client):
    user = UserFactory()
    factor = _factor(user)
    client.force_login(user)
    assert client.get(reverse("members:me")).status_code == 200
    Authenticator.objects.filter(pk=factor.pk).delete()
    response = client.get(reverse("members:me"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_checking_a_members_session_asks_no_factor_query(client):
    user = UserFactory()
    _factor(user)
    client.force_login(user)
    client.get(reverse("members:me"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("members:me")).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "members_user" in sql
    assert "mfa_authenticator" not in sql
