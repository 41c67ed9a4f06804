"""Logging a test client in the way a person would be after allauth's login.

`Client.force_login` is patched (tests/conftest.py) to stand for a complete login: for a user
with a second factor the session also records that the factor was used, as allauth does after
the code step. `login_password_only` is the other case: a session that never passed the factor.
"""

import time

from django.test.client import ClientMixin

_original_force_login = ClientMixin.force_login


def _record(client, user, methods) -> None:
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def force_login_with_factors(client, user, backend=None) -> None:
    from members.security import second_factor_ids

    _original_force_login(client, user, backend)
    now = time.time()
    methods = [{"method": "password", "at": now, "email": user.email}]
    methods += [
        {"method": "mfa", "at": now, "id": pk, "type": "totp"}
        for pk in second_factor_ids(user=user)[:1]
    ]
    _record(client, user, methods)


def login_password_only(client, user) -> None:
    """A session that logged in with the password and never gave the second factor."""
    _original_force_login(client, user)
    _record(client, user, [{"method": "password", "at": time.time(), "email": user.email}])


def login_a_while_ago(client, user, *, seconds: int = 3600) -> None:
    """A complete login that happened `seconds` ago: no longer fresh enough to stand for a
    re-authentication (almennet.account_adapter)."""
    force_login_with_factors(client, user)
    session = client.session
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()
