import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events import services as event_services
from events.models import Registration
from members.models import Affiliation
from members.validators import gs1_check_digit


def ean(prefix: str) -> str:
    """A valid 13-digit EAN (GLN) from 12 digits."""
    digits = prefix.ljust(12, "0")[:12]
    return digits + str(gs1_check_digit(digits))


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Boligforeningen Vest",
        cvr="12345674",
        ean=ean("579800000001"),
        invoice_contact_name="Kreditor Vest",
        invoice_contact_email="faktura@vest.example.dk",
    )


@pytest.fixture
def representative(organisation):
    return AffiliationFactory(organisation=organisation, role=Affiliation.Role.REPRESENTATIVE).user


@pytest.fixture
def secretary():
    """Staff with the invoicing rights (not a superuser)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="invoicing"),
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=["view_event", "change_registration", "view_registration"],
        ),
    )
    return type(user).objects.get(pk=user.pk)


def late_deadline_event(**kwargs):
    """A paid event in ten days whose cancellation deadline has passed."""
    return EventFactory(
        cancellation_deadline=timezone.now() - datetime.timedelta(hours=1),
        capacity=kwargs.pop("capacity", 10),
        member_price=Decimal("500.00"),
        non_member_price=Decimal("900.00"),
        **kwargs,
    )


def sign_up(event, user, **answers) -> Registration:
    return event_services.event_signup(event=event, user=user, answers=answers)


def end_event(event, *, days_ago: int = 1) -> None:
    """Move the event's sessions into the past (it has taken place)."""
    start = timezone.now() - datetime.timedelta(days=days_ago, hours=4)
    event.sessions.update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))


@pytest.fixture
def admin_client_secretary(client, secretary):
    """The test client logged in as the secretary, with two-factor set up (the admin needs it)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=secretary, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(secretary)
    return client
