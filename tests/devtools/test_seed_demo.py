"""The whole demo (`manage.py seed_demo`, which `make run` calls), built on the test factories
(devtools/factories/): seeding twice changes nothing, and what it builds is what the demo
promises, not what a factory would have filled in."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db

DEMO_APPS = ("members", "events", "projects", "publications", "strategy", "newsletters")


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in DEMO_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seeding_the_demo_twice_adds_nothing(settings):
    settings.DEBUG = True
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
    assert first["events.Event"] >= 9
    assert first["publications.Publication"] >= 5


def test_the_demo_keeps_its_own_values_where_a_factory_has_defaults(settings):
    from events.models import Event
    from members.models import Organisation, User

    settings.DEBUG = True
    _seed()
    members = Organisation.objects.filter(member_since__isnull=False, member_until__isnull=True)
    assert members.count() == 54
    assert sum(members.values_list("homes", flat=True)) == 464_000
    # Partners are not members, whatever OrganisationFactory's defaults say.
    assert Organisation.objects.get(slug="boligforeningen-gammelby").member_until is not None
    assert (
        Organisation.objects.exclude(kind=Organisation.Kind.HOUSING)
        .filter(member_since__isnull=False)
        .count()
        == 0
    )
    # Free demo events stay free; the factory's 500/900 kr. never leak in.
    network = Event.objects.get(slug="erfa-netvaerk-boligsocial-indsats")
    assert network.member_price == 0 and network.non_member_price == 0
    # The demo logins have the published password; the other people cannot log in.
    assert User.objects.get(email="medlem@almennet.dk").check_password("almennet-demo")
    other = User.objects.exclude(email__endswith="@almennet.dk").first()
    assert not other.has_usable_password()
