"""A small world for the measuring tests: the seven kinds of people and one sample of each
thing the URL map can point at, plus a walker over every named URL.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)

ROLES = ("visitor", "user", "member", "board", "advisory", "editor", "superuser")
STAFF_ROLES = ("editor", "superuser")


def totp_activate(user) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def client_for(self, role: str, client_class=None):
        from django.test import Client

        client = (client_class or Client)(raise_request_exception=False)
        if role != "visitor":
            client.force_login(self.users[role])
        return client


def build_world() -> World:
    from members.groups import groups_sync

    world = World()
    org_a = OrganisationFactory(name="Boligselskabet A", slug="boligselskabet-a")
    org_b = OrganisationFactory(name="Boligselskabet B", slug="boligselskabet-b")
    world.objects["organisation"] = org_a
    world.objects["other_organisation"] = org_b

    world.users["user"] = UserFactory(email="user@example.dk")
    member_affiliation = AffiliationFactory(organisation=org_a, user__email="member@example.dk")
    world.users["member"] = member_affiliation.user
    world.objects["affiliation"] = member_affiliation
    board = AffiliationFactory(organisation=org_b, user__email="board@example.dk").user
    SeatFactory(user=board, body="board", role="member", starts_on=datetime.date(2022, 6, 1))
    world.users["board"] = board
    world.objects["other_affiliation"] = board.affiliations.first()
    advisory = UserFactory(email="advisory@example.dk")
    SeatFactory(user=advisory, body="advisory", role="member", starts_on=datetime.date(2022, 6, 1))
    world.users["advisory"] = advisory

    groups_sync()
    editor = UserFactory(email="editor@example.dk", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    totp_activate(editor)
    world.users["editor"] = editor
    superuser = UserFactory(email="super@example.dk", is_staff=True, is_superuser=True)
    totp_activate(superuser)
    world.users["superuser"] = superuser

    _events(world)
    _knowledge(world)
    _newsletters(world)
    _siteinfo(world)
    _strategy(world)
    _one_of_each_admin_model(world)
    return world


def _events(world: World) -> None:
    from devtools.factories.events import EventFactory, RegistrationFactory, past_event

    event = EventFactory(title="Seminar om tryghed", slug="seminar-om-tryghed", capacity=20)
    world.objects["event"] = event
    world.objects["past_event"] = past_event(slug="tidligere-seminar")
    world.objects["registration"] = RegistrationFactory(event=event, user=world.users["member"])
    world.objects["other_registration"] = RegistrationFactory(
        event=event, user=world.users["board"]
    )


def _knowledge(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from devtools.factories.projects import ProjectFactory
    from devtools.factories.publications import PublicationFactory, pdf_bytes
    from publications.services import publication_file_add

    world.objects["project"] = ProjectFactory(slug="tryghed-i-afdelingen")
    publication = PublicationFactory(slug="rapport-om-tryghed")
    world.objects["publication"] = publication
    world.objects["member_publication"] = PublicationFactory(
        slug="kun-for-medlemmer", is_member_only=True
    )
    world.objects["file"] = publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("rapport.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    world.objects["member_file"] = publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("bilag.pdf", pdf_bytes(), content_type="application/pdf"),
        is_member_only=True,
    )


def _siteinfo(world: World) -> None:
    from siteinfo.models import InfoPage

    # Seeded by siteinfo's data migration; made here too, should a flush have removed it.
    world.objects["info_page"], _ = InfoPage.objects.get_or_create(
        slug="privacy", defaults={"title": "Privatlivspolitik", "body": "<p>Tekst.</p>"}
    )


def _newsletters(world: World) -> None:
    from newsletters.models import Newsletter

    world.objects["newsletter"] = Newsletter.objects.create(
        **_existing_fields(
            Newsletter,
            subject="Nyhedsbrev nr. 1",
            slug="nyhedsbrev-1",
            body="<p>Nyt fra AlmenNet.</p>",
            status="sent",
            issued_at=timezone.now(),
        )
    )


def _strategy(world: World) -> None:
    """Two focus areas, a trend and an open voting round for the board."""
    from devtools.factories.strategy import FocusAreaFactory, TrendFactory, make_round

    # Board members vote with two-factor authentication, as the strategy app requires.
    totp_activate(world.users["board"])
    focus_areas = [FocusAreaFactory(), FocusAreaFactory()]
    world.objects["focus_area"] = focus_areas[0]
    world.objects["trend"] = TrendFactory()
    from strategy.services import round_open

    staff = world.users["superuser"]
    world.objects["voting_round"] = round_open(
        voting_round=make_round(staff=staff, focus_areas=focus_areas), actor=staff
    )


def _one_of_each_admin_model(world: World) -> None:
    """A row for each admin model the samples above did not create, so that every admin change
    page is opened. Each is guarded: a model that changed shape is skipped, not fatal."""
    from django.apps import apps

    from activity.services import record

    member, board = world.users["member"], world.users["board"]
    focus_area = world.objects.get("focus_area")
    voting_round = world.objects.get("voting_round")
    rows = {
        "account.emailaddress": lambda m: m.objects.create(
            user=member, email=member.email, verified=True, primary=True
        ),
        "activity.action": lambda m: record(
            member, "registration.signed_up", world.objects["registration"]
        ),
        "publications.tag": lambda m: m.objects.create(name="Trivsel", slug="trivsel-tag"),
        "strategy.strategy": lambda m: m.objects.create(
            title="Strategi 2022", adopted_on=datetime.date(2022, 6, 1)
        ),
        "strategy.ambition": lambda m: m.objects.create(number=99, title="Fremtidssikring"),
        "strategy.comment": lambda m: m.objects.create(
            focus_area=focus_area, author=member, body="En kommentar."
        ),
        "strategy.recommendation": lambda m: m.objects.create(
            focus_area=focus_area, title="Anbefaling"
        ),
        "strategy.announcement": lambda m: m.objects.create(round=voting_round, recipient=board),
        "outbox.outboxmessage": lambda m: m.objects.create(
            to=member.email,
            language="da",
            template="outbox/test",
            subject="Hej",
            body_text="Hej.",
            message_id="<measure@almennet.dk>",
        ),
        "strategy.pledge": lambda m: m.objects.create(
            summit=_summit(), focus_area=focus_area, organisation=world.objects["organisation"]
        ),
        "strategy.ballot": lambda m: _ballot(voting_round, board),
        "newsletters.subscriber": lambda m: m.objects.create(email="abonnent@example.dk"),
        "outbox.suppressedaddress": lambda m: m.objects.create(email="bounce@example.dk"),
    }
    for label, create in rows.items():
        model = apps.get_model(label)
        if not model._default_manager.exists():
            create(model)


def _summit():
    from devtools.factories.strategy import SummitFactory

    return SummitFactory()


def _ballot(voting_round, board):
    from strategy.services import ballot_cast

    items = list(voting_round.items.order_by("pk"))
    return ballot_cast(
        voting_round=voting_round, user=board, ranks={item.pk: n for n, item in enumerate(items, 1)}
    )


def _existing_fields(model, **values) -> dict:
    names = {f.name for f in model._meta.concrete_fields}
    return {key: value for key, value in values.items() if key in names}


# --- the URL map --------------------------------------------------------------------------------


@dataclass
class NamedURL:
    name: str  # "namespace:name" or "name"
    route: str
    kwargs: tuple[str, ...]


def named_urls() -> list[NamedURL]:
    """Every named URL of the portal, once (the /en/ copies are the same views), except the
    admin, whose pages come from its registry instead."""
    found: dict[str, NamedURL] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full_ns = ":".join(filter(None, [namespace, ns])) if ns else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace == "admin":
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                regex = pattern.pattern.regex
                kwargs = tuple(regex.groupindex)
                found.setdefault(name, NamedURL(name, prefix + str(pattern.pattern), kwargs))

    walk(get_resolver().url_patterns, "", None)
    return sorted(found.values(), key=lambda u: u.name)


# Sample values for a URL's arguments, by the URL's namespace and the argument's name.
def sample_kwargs(url: NamedURL, world: World) -> dict | None:
    namespace = url.name.split(":")[0] if ":" in url.name else ""
    objects = world.objects
    by_namespace = {
        "events": {"slug": "event", "pk": "registration"},
        "members": {"slug": "organisation", "pk": "affiliation"},
        "projects": {"slug": "project"},
        "publications": {"slug": "publication", "pk": "file"},
        "newsletters": {"slug": "newsletter"},
        "siteinfo": {"slug": "info_page"},
        "strategy": {"slug": "focus_area", "pk": "voting_round", "id": "voting_round"},
    }
    values = {}
    for kwarg in url.kwargs:
        if kwarg == "file_format":
            values[kwarg] = "csv"
            continue
        if kwarg == "token":
            values[kwarg] = "not-a-real-token"
            continue
        key = by_namespace.get(namespace, {}).get(kwarg)
        obj = objects.get(key) if key else None
        if obj is None:
            return None
        values[kwarg] = obj.slug if kwarg == "slug" else obj.pk
    return values


def url_for(url: NamedURL, world: World) -> str | None:
    kwargs = sample_kwargs(url, world)
    if kwargs is None:
        return None
    try:
        return reverse(url.name, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - a converter that wants another shape
        return None


LOGIN_PATH = re.compile(r"/accounts/login/|/admin/login/")
