import pytest

# The outbox's test templates, language and scripted SMTP backend serve the newsletter tests too.
from tests.outbox.conftest import _danish, _mailings_test_templates, smtp  # noqa: F401


@pytest.fixture
def subscriber_factory():
    from django.utils import timezone

    from newsletters.models import Subscriber

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
    from newsletters.models import Newsletter

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
