import pytest
from django.contrib.auth.models import Permission

from devtools.factories.members import AffiliationFactory, UserFactory, staff_with_totp


@pytest.fixture
def member():
    """A user who counts as a member today (confirmed affiliation, active membership)."""
    return AffiliationFactory().user


@pytest.fixture
def non_member():
    return UserFactory()


@pytest.fixture
def secretary():
    """Staff with the event managers' rights on registrations (not a superuser), with TOTP
    (every staff page needs a session that passed the second factor)."""
    user = staff_with_totp()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=[
                "view_event",
                "change_event",
                "add_event",
                "view_registration",
                "change_registration",
                "add_registration",
                "view_eventsession",
                "add_eventsession",
                "change_eventsession",
                "delete_eventsession",
            ],
        )
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the outbox's eager send) as a real commit would."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture
def admin_client_secretary(client, secretary):
    """The test client logged in as the secretary, with two-factor set up (the admin needs it)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=secretary, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    client.force_login(secretary)
    return client


@pytest.fixture
def english():
    """Messages in English, for tests that read them (Danish is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
