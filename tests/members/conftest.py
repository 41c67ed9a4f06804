import datetime

import pytest

from members import registry


@pytest.fixture(autouse=True)
def _default_language():
    """Start and leave every test in the default language (Danish). A request to /en/ leaves
    English active in the thread (LocaleMiddleware does not reset it), which would otherwise
    leak from one test into the next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - datetime.timedelta(days=1)


@pytest.fixture
def tomorrow(today):
    return today + datetime.timedelta(days=1)


@pytest.fixture
def clean_registry(monkeypatch):
    """An empty registry for the test, restored afterwards."""
    for name in (
        "_engagement_metrics",
        "_organisation_panels",
        "_my_page_panels",
        "_personal_data",
    ):
        monkeypatch.setattr(registry, name, {})
    return registry


@pytest.fixture
def staff_client(django_user_model):
    """A client logged in as a superuser who has set up two-factor authentication, as staff
    must before they reach the admin."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    user = django_user_model.objects.create_superuser(email="admin@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    client.user = user
    return client
