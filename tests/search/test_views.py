"""The results page, the suggestions while typing, who sees what, and the app's boundaries."""

import ast
import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.members import OrganisationFactory, UserFactory, member_user
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from search.query import search

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PORTAL_APPS = {
    "members",
    "events",
    "projects",
    "publications",
    "strategy",
    "outbox",
    "newsletters",
    "invoicing",
}


def test_the_search_app_imports_no_other_portal_app():
    for path in (ROOT / "search").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in PORTAL_APPS, f"{path}: imports {name}"
    for path in (ROOT / "search" / "templates").rglob("*.html"):
        text = path.read_text()
        for app in PORTAL_APPS:
            assert f'"{app}/' not in text and f"'{app}/" not in text, f"{path} names {app}"


def _queries(client, url, params):
    """Statements sent, less the savepoints that the test's own transaction makes of the
    search's atomic block (outside tests that block is a plain transaction)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    return len(statements), response


def test_the_results_page_takes_a_fixed_number_of_queries(client):
    organisation = OrganisationFactory(name="Boligselskabet Kysten")
    for n in range(3):
        publication = PublicationFactory(title=f"Klimatilpasning del {n}")
        publication.organisations.add(organisation)
    few, _ = _queries(client, reverse("search"), {"q": "klima"})
    for n in range(3, 30):
        publication = PublicationFactory(title=f"Klimatilpasning del {n}")
        publication.organisations.add(organisation)
    ProjectFactory(title="Klimaprojekt", owner=organisation)
    many, response = _queries(client, reverse("search"), {"q": "klima"})
    assert many == few
    # ranking, facets and the page in one statement; snippets; facet names; the footer's
    # member figures (members.context_processors) and site settings (siteinfo)
    assert many == 5
    assert response.context["results"].total == 31


def test_a_member_and_a_visitor_see_facet_counts_of_what_each_may_see(client):
    organisation = OrganisationFactory(name="Boligselskabet Kysten")
    for member_only in (False, True, True):
        publication = PublicationFactory(title="Huslejeanalyse", is_member_only=member_only)
        publication.organisations.add(organisation)

    def counts():
        results = client.get(reverse("search"), {"q": "huslejeanalyse"}).context["results"]
        facets = {facet.param: facet for facet in results.facets}
        org = {option.label: option.count for option in facets["org"].options}
        kinds = {option.value: option.count for option in facets["type"].options}
        return results.total, kinds, org

    assert counts() == (1, {"publication": 1}, {"Boligselskabet Kysten": 1})
    client.force_login(UserFactory())
    assert counts() == (1, {"publication": 1}, {"Boligselskabet Kysten": 1})
    client.force_login(member_user())
    assert counts() == (3, {"publication": 3}, {"Boligselskabet Kysten": 3})


def test_exact_words_rank_above_compound_parts_and_titles_above_bodies():
    PublicationFactory(title="Om naboskab", summary="", body="Vi taler om klima her.")
    PublicationFactory(title="Klimatilpasning i afdelingen", summary="", body="")
    PublicationFactory(title="Klima og boliger", summary="", body="")
    assert [hit.title for hit in search(query="klima", can_see_member_only=False).hits] == [
        "Klima og boliger",
        "Klimatilpasning i afdelingen",
        "Om naboskab",
    ]


def test_the_newer_of_two_equal_hits_comes_first():
    PublicationFactory(title="Helhedsplan", summary="", published_on=datetime.date(2019, 1, 1))
    PublicationFactory(title="Helhedsplan", summary="", published_on=datetime.date(2025, 1, 1))
    hits = search(query="helhedsplan", can_see_member_only=False).hits
    assert [hit.year for hit in hits] == [2025, 2019]


def test_organisations_and_archived_newsletters_are_searchable(client):
    from django.utils import timezone

    from newsletters.models import Newsletter

    organisation = OrganisationFactory(name="Boligforeningen Egelund")
    ProjectFactory(title="Grønne gårde", owner=organisation)
    Newsletter.objects.create(
        subject="Nyhedsbrev om Egelund",
        slug="nyt-egelund",
        status=Newsletter.Status.SENT,
        issued_at=timezone.now(),
    )
    Newsletter.objects.create(subject="Kladde om Egelund", slug="kladde-egelund")
    results = search(query="egelund", can_see_member_only=False)
    assert {hit.title for hit in results.hits} == {
        "Boligforeningen Egelund",
        "Grønne gårde",
        "Nyhedsbrev om Egelund",
    }
    organisation_hit = next(hit for hit in results.hits if hit.kind == "organisation")
    assert organisation_hit.url == organisation.get_absolute_url()


def test_the_results_page_offers_the_correction_and_shows_its_hits(client):
    ProjectFactory(title="Klimatilpasning af friarealer")
    response = client.get(reverse("search"), {"q": "klimatilpasing"})
    content = response.content.decode()
    assert "Mente du" in content and "?q=klimatilpasning" in content
    assert "<mark>Klimatilpasning</mark> af friarealer" in content


def test_the_filters_sit_behind_a_button_on_a_phone(client):
    PublicationFactory(title="Klimatilpasning")
    content = client.get(reverse("search"), {"q": "klima"}).content.decode()
    assert 'data-bs-target="#search-facets"' in content
    assert 'id="search-facets"' in content and "collapse d-lg-block" in content


def test_suggestions_start_at_three_letters_and_respect_access(client):
    ProjectFactory(title="Klimatilpasning af friarealer", slug="klimatilpasning")
    PublicationFactory(title="Klimaregnskab for medlemmer", is_member_only=True)
    url = reverse("search_suggest")
    assert client.get(url, {"q": "kl"}).content.decode().strip() == ""
    content = client.get(url, {"q": "kli"}).content.decode()
    assert 'role="option"' in content
    assert 'data-href="/projects/klimatilpasning/"' in content
    assert "for medlemmer" not in content
    assert "All results" in content or "Alle resultater" in content
    client.force_login(member_user())
    assert "Klimaregnskab for medlemmer" in client.get(url, {"q": "klima"}).content.decode()


def test_suggestions_take_two_queries(client):
    for n in range(10):
        ProjectFactory(title=f"Klimatilpasning {n}")
    count, response = _queries(client, reverse("search_suggest"), {"q": "klima"})
    assert count == 2
    assert response.content.decode().count('role="option"') == 7  # six hits and "all results"


def test_the_header_search_box_is_a_combobox(client):
    content = client.get(reverse("home")).content.decode()
    assert 'role="combobox"' in content and 'aria-controls="site-search-listbox"' in content
    assert 'role="listbox"' in content
    assert 'data-hx-get="/search/suggest/"' in content


def test_a_members_suggestions_never_reach_a_visitor_through_the_page_cache(client, settings):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    PublicationFactory(title="Klimaregnskab for medlemmer", is_member_only=True)
    url = reverse("search_suggest")
    client.force_login(member_user())
    assert "for medlemmer" in client.get(url, {"q": "klimaregnskab"}).content.decode()
    visitor = Client()
    assert "for medlemmer" not in visitor.get(url, {"q": "klimaregnskab"}).content.decode()
    client.logout()
    assert "for medlemmer" not in client.get(url, {"q": "klimaregnskab"}).content.decode()
