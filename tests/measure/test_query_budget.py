"""A constant number of SQL queries per page, however many rows exist.

Every public and member page is requested with N rows of what it shows and again with 3N; the
query count must not grow. On a mismatch the queries of the larger run are printed, so the
N+1 shows itself.
"""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, SeatFactory
from devtools.factories.projects import ParticipantFactory, ProjectFactory
from devtools.factories.publications import PublicationFactory, TagFactory

pytestmark = pytest.mark.django_db

N = 2
_serial = itertools.count()


def grow(world, rows: int) -> None:
    """`rows` more of everything the pages list, each with the relations the pages show."""
    member = world.users["member"]
    org = world.objects["organisation"]
    tag = TagFactory(slug="tryghed", name="Tryghed")
    for _ in range(rows):
        i = next(_serial)
        other_org = OrganisationFactory()
        AffiliationFactory(organisation=other_org)
        AffiliationFactory(organisation=org)
        SeatFactory(body="board", starts_on=datetime.date(2022, 6, 1))
        event = EventFactory(title=f"Tryghed og trivsel {i}")
        RegistrationFactory(event=event, user=member, organisation=org)
        RegistrationFactory(event=event)
        RegistrationFactory(event=world.objects["event"])
        project = ProjectFactory(title=f"Tryghed i afdelingen {i}", owner=org)
        ParticipantFactory(project=project, organisation=other_org)
        publication = PublicationFactory(title=f"Tryghed rapport {i}")
        publication.tags.add(tag)
        publication.organisations.add(org, other_org)
        publication.projects.add(project)
        _grow_newsletters(i)
        _grow_strategy(world, i)


def _grow_newsletters(i: int) -> None:
    from django.utils import timezone

    from newsletters.models import Newsletter

    Newsletter.objects.create(
        subject=f"Nyhedsbrev {i}",
        slug=f"nyhedsbrev-budget-{i}",
        body="<p>Nyt.</p>",
        status="sent",
        issued_at=timezone.now(),
    )


def _grow_strategy(world, i: int) -> None:
    from devtools.factories.strategy import FocusAreaFactory, TrendFactory

    FocusAreaFactory()
    TrendFactory()


def pages(world) -> list[tuple[str, str]]:
    """(person, path) for every public and member page that lists or shows rows."""
    event = world.objects["event"]
    candidates = [
        ("visitor", "home", {}),
        ("member", "home", {}),
        ("visitor", "events:list", {}),
        ("member", "events:list", {}),
        ("visitor", "events:detail", {"slug": event.slug}),
        ("member", "events:detail", {"slug": event.slug}),
        ("member", "events:mine", {}),
        ("visitor", "projects:list", {}),
        ("visitor", "projects:detail", {"slug": world.objects["project"].slug}),
        ("visitor", "publications:list", {}),
        ("member", "publications:list", {}),
        ("visitor", "publications:detail", {"slug": world.objects["publication"].slug}),
        ("visitor", "members:list", {}),
        ("member", "members:list", {}),
        ("visitor", "members:detail", {"slug": world.objects["organisation"].slug}),
        ("member", "members:detail", {"slug": world.objects["organisation"].slug}),
        ("visitor", "members:board", {}),
        ("member", "members:me", {}),
        ("visitor", "newsletters:archive", {}),
        ("visitor", "strategy:index", {}),
        ("board", "strategy:votes", {}),
    ]
    found = []
    for role, name, kwargs in candidates:
        found.append((role, reverse(name, kwargs=kwargs)))
    found.append(("visitor", reverse("search") + "?q=tryghed"))
    found.append(("member", reverse("search") + "?q=tryghed"))
    return found


def count_queries(world, role: str, path: str):
    client = world.client_for(role)
    cache.clear()
    client.get(path)  # warm: first-use lookups (content types, sites) are not the page's
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured), [q["sql"] for q in captured.captured_queries]


def test_query_count_does_not_grow_with_rows(world):
    grow(world, N)
    small = {(role, path): count_queries(world, role, path) for role, path in pages(world)}
    grow(world, 2 * N)
    problems = []
    for (role, path), (status, count, _sql) in small.items():
        status_large, count_large, sql = count_queries(world, role, path)
        assert status == status_large == 200, (role, path, status, status_large)
        if count_large > count:
            problems.append(
                f"{path} as {role}: {count} queries with {N} rows, {count_large} with {3 * N}:\n"
                + "\n".join(f"    {q[:300]}" for q in sql)
            )
    assert not problems, "\n\n".join(problems)
