import pytest

# The outbox's test templates, language and scripted SMTP backend serve the newsletter tests too.
from tests.outbox.conftest import _danish, _mailings_test_templates, smtp  # noqa: F401


@pytest.fixture
def subscriber_factory():
    """subscriber_factory(email, status=..., language=..., ...) builds one (factory_boy)."""
    from devtools.factories.newsletters import SubscriberFactory

    return lambda email, **kwargs: SubscriberFactory(email=email, **kwargs)


@pytest.fixture
def newsletter_factory(db):
    from devtools.factories.newsletters import NewsletterFactory

    return NewsletterFactory


@pytest.fixture
def staff_client(django_user_model):
    """A superuser with two-factor authentication set up, as the admin demands."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    user = django_user_model.objects.create_superuser(email="staff@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    client.user = user
    return client
