import datetime

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone
from factory.django import DjangoModelFactory

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)
from events.models import Event
from members.models import Affiliation, Seat
from strategy.models import FocusArea, Trend, VotingRound

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test secret, not a real one


def give_mfa(user, secret: str = TOTP_SECRET):
    """A TOTP authenticator, as allauth.mfa stores one after setup."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea

    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    slug = factory.Sequence(lambda n: f"fokusomraade-{n}")
    problem = "Et problem, der skal løses."
    status = FocusArea.Status.CONSIDERATION
    moderation = FocusArea.Moderation.APPROVED


class TrendFactory(DjangoModelFactory):
    class Meta:
        model = Trend

    title = factory.Sequence(lambda n: f"Trend {n}")
    slug = factory.Sequence(lambda n: f"trend-{n}")
    horizon = 25
    impact = 2
    certainty = 2


class SummitFactory(DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Projekt-Topmøde {n}")
    slug = factory.Sequence(lambda n: f"topmoede-{n}")
    kind = Event.Kind.SUMMIT
    is_published = True


def board_member(*, role=Seat.Role.MEMBER, mfa=True, **kwargs):
    seat = SeatFactory(body=Seat.Body.BOARD, role=role, starts_on=datetime.date(2022, 1, 1))
    if mfa:
        give_mfa(seat.user)
    return seat.user


def representative(*, homes=1000, mfa=True, member=True):
    organisation = OrganisationFactory(
        homes=homes, member_since=datetime.date(2010, 1, 1) if member else None
    )
    affiliation = AffiliationFactory(
        organisation=organisation, role=Affiliation.Role.REPRESENTATIVE
    )
    # The secretariat's choice of who casts the organisation's council vote.
    organisation.council_voter = affiliation.user
    organisation.save(update_fields=["council_voter"])
    if mfa:
        give_mfa(affiliation.user)
    return affiliation.user, organisation


def staff_user():
    user = UserFactory(is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


def make_round(*, staff, focus_areas, now=None, **fields):
    from strategy import services

    now = now or timezone.now()
    defaults = {
        "title": "Runde",
        "method": VotingRound.Method.RANKED,
        "quorum": 1,
        "is_secret": True,
        "electorate": VotingRound.Electorate.BOARD,
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=7),
    }
    defaults.update(fields)
    return services.round_create(actor=staff, focus_areas=focus_areas, **defaults)


__all__ = ["OrganisationFactory", "UserFactory", "AffiliationFactory", "SeatFactory"]
