import pytest


@pytest.fixture
def staff_client(django_user_model):
    """A superuser who has set up two-factor authentication, as the admin demands."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    user = django_user_model.objects.create_superuser(email="staff@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client
