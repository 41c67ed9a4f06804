import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import Affiliation, Organisation, Seat, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.dk")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Boligselskabet Nr. {n}")
    slug = factory.Sequence(lambda n: f"boligselskabet-{n}")
    kind = Organisation.Kind.HOUSING
    homes = 1000
    region = Organisation.Region.HOVEDSTADEN
    member_since = datetime.date(2010, 1, 1)


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = Affiliation

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Affiliation.Role.EMPLOYEE
    starts_on = datetime.date(2020, 1, 1)
    confirmed_at = factory.LazyFunction(timezone.now)


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = Seat

    user = factory.SubFactory(UserFactory)
    body = Seat.Body.BOARD
    role = Seat.Role.MEMBER
    starts_on = datetime.date(2022, 6, 1)


def member_user(**kwargs) -> User:
    """A user who counts as a member today."""
    return AffiliationFactory(**kwargs).user


def staff_with_totp(**kwargs) -> User:
    """Staff with TOTP set up: every staff page needs a session that passed the second factor
    (members/middleware.py), which force_login records for a user who has one."""
    from allauth.mfa.models import Authenticator

    user = UserFactory(is_staff=True, **kwargs)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user
