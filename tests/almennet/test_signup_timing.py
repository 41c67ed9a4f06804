"""Sign-up costs the same for a known and a new address (issue 12, finding 10): allauth hid a
known address behind the same answer, but only the new one paid for a password hash (797 ms
against 52 ms). Counted in hasher calls, not in time."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from devtools.factories.members import UserFactory

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"

    def encode(self, password, salt):
        CALLS.append(password)
        return super().encode(password, salt)


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CALLS.clear()
    return CALLS


def _signup(client, email):
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


def test_a_known_address_costs_the_same_password_hashing_as_a_new_one(client, counting):
    known = UserFactory(email="kendt@boligselskab.dk")
    counting.clear()
    new_response = _signup(client, "ny@boligselskab.dk")
    new_calls = len(counting)
    counting.clear()
    known_response = _signup(client, known.email)
    known_calls = len(counting)
    assert new_calls >= 1
    assert known_calls == new_calls
    # And the answers look alike: both go on to "check your mail".
    assert new_response.status_code == known_response.status_code == 302
    assert new_response["Location"] == known_response["Location"]
