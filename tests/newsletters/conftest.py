from pathlib import Path

import pytest

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _mailings_test_templates(settings):
    """Templates only the tests use (mailings_test/hello_*), beside the project's own."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]


@pytest.fixture(autouse=True)
def _danish(settings):
    """Each test starts in the default language: reverse() and the pages it reads are Danish,
    whatever an earlier test's request left active in this thread."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def smtp(settings):
    """Route the outbox's deliveries through ScriptedBackend; returns the class to script."""
    from tests.mailings.backends import ScriptedBackend

    settings.MAILERS = {"default": {"BACKEND": "tests.mailings.backends.ScriptedBackend"}}
    ScriptedBackend.failures = {}
    ScriptedBackend.opened = 0
    yield ScriptedBackend
    ScriptedBackend.failures = {}


@pytest.fixture
def subscriber_factory():
    from django.utils import timezone

    from mailings.models import Subscriber

    def make(email, *, status=Subscriber.Status.CONFIRMED, language="da", **kwargs):
        return Subscriber.objects.create(
            email=email,
            status=status,
            language=language,
            confirmed_at=timezone.now() if status == Subscriber.Status.CONFIRMED else None,
            **kwargs,
        )

    return make


@pytest.fixture
def newsletter_factory(db):
    from mailings.models import Newsletter

    counter = iter(range(1, 10_000))

    def make(**kwargs):
        n = next(counter)
        defaults = {
            "subject": f"Nyhedsbrev nr. {n}",
            "slug": f"nyhedsbrev-{n}",
            "intro": "Nyt fra AlmenNet",
            "body": "<p>Hej <strong>alle</strong></p>",
        }
        return Newsletter.objects.create(**(defaults | kwargs))

    return make


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
