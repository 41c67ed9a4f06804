import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devtools.factories.members import OrganisationFactory, UserFactory, member_user
from devtools.factories.projects import ParticipantFactory, ProjectFactory
from devtools.factories.publications import PublicationFactory
from events.models import Event, EventSession
from search.index import reindex_all
from search.models import SearchDocument
from search.query import search

pytestmark = pytest.mark.django_db


def titles(results):
    return [hit.title for hit in results.hits]


def test_danish_stemming_finds_other_word_forms():
    PublicationFactory(title="Tryghed i boligafdelingen", summary="", body="")
    assert titles(search(query="boligafdelinger", can_see_member_only=False)) == [
        "Tryghed i boligafdelingen"
    ]
    assert titles(search(query="boligafdelingernes", can_see_member_only=False)) == [
        "Tryghed i boligafdelingen"
    ]


def test_a_title_match_ranks_above_a_body_match():
    PublicationFactory(
        title="Om naboskab", summary="", body="<p>" + "Renovering nævnes. " * 3 + "</p>"
    )
    PublicationFactory(title="Renovering af betonbyggeri", summary="", body="")
    assert titles(search(query="renovering", can_see_member_only=False))[0] == (
        "Renovering af betonbyggeri"
    )


def test_one_search_covers_publications_projects_and_events():
    PublicationFactory(title="Beboerdemokrati i praksis")
    ProjectFactory(title="Styrket beboerdemokrati")
    event = Event.objects.create(
        title="Temadag om beboerdemokrati", slug="temadag", is_published=True
    )
    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    results = search(query="beboerdemokrati", can_see_member_only=False)
    assert {hit.kind for hit in results.hits} == {"publication", "project", "event"}
    type_facet = next(f for f in results.facets if f.param == "type")
    assert {option.value: option.count for option in type_facet.options} == {
        "publication": 1,
        "project": 1,
        "event": 1,
    }
    event_hit = next(hit for hit in results.hits if hit.kind == "event")
    assert event_hit.year == 2026


def test_member_only_and_unpublished_items_are_hidden_from_visitors():
    PublicationFactory(title="Huslejeanalyse for medlemmer", is_member_only=True)
    PublicationFactory(title="Huslejeanalyse kladde", is_published=False)
    PublicationFactory(
        title="Huslejeanalyse fremtidig",
        published_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    ProjectFactory(title="Huslejeanalyse projekt", is_published=False)
    assert titles(search(query="huslejeanalyse", can_see_member_only=False)) == []
    assert titles(search(query="huslejeanalyse", can_see_member_only=True)) == [
        "Huslejeanalyse for medlemmer"
    ]


def test_member_only_items_reach_members_through_the_view(client):
    PublicationFactory(title="Huslejeanalyse for medlemmer", is_member_only=True)
    url = reverse("search")

    def found():
        response = client.get(url, {"q": "huslejeanalyse"})
        assert response.status_code == 200
        return [hit.title for hit in response.context["results"].hits], response.content.decode()

    assert found()[0] == [] and "for medlemmer" not in found()[1]
    client.force_login(UserFactory())
    assert found()[0] == [] and "for medlemmer" not in found()[1]
    client.force_login(member_user())
    titles_seen, content = found()
    assert titles_seen == ["Huslejeanalyse for medlemmer"]
    assert "<mark>Huslejeanalyse</mark> for medlemmer" in content


def test_snippets_highlight_hits_and_escape_html():
    PublicationFactory(
        title="Vedligeholdelse",
        summary="Om <b>tag</b> & facader: vedligeholdelse af tagene.",
        body="",
    )
    hit = search(query="tage", can_see_member_only=False).hits[0]
    assert "<mark>" in hit.snippet
    assert "<b>" not in hit.snippet  # summary text is escaped, never trusted


@pytest.mark.parametrize(
    "query",
    [
        "!!! ??? ...",
        "'; DROP TABLE publications_publication; --",
        "<script>alert('x')</script>",
        "bolig\x00afdeling",
        "a" * 5000,
        '" OR 1=1 -- "',
        "-",
        "\u27e6mark\u27e7",
        "(((",
    ],
)
def test_bad_input_is_answered_calmly(client, query):
    PublicationFactory(title="Boligafdeling")
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "DROP TABLE" not in content or "&#x27;; DROP TABLE" in content
    assert SearchDocument.objects.exists()


@pytest.mark.parametrize("page", ["0", "-3", "x", "9" * 40, "2"])
def test_any_page_number_gives_a_page(client, page):
    PublicationFactory(title="Boligafdeling")
    response = client.get(reverse("search"), {"q": "boligafdeling", "page": page})
    assert response.status_code == 200
    assert [hit.title for hit in response.context["results"].hits] == ["Boligafdeling"]


def test_a_very_long_query_is_truncated_and_said_so(client):
    response = client.get(reverse("search"), {"q": "bolig " * 100})
    assert response.status_code == 200
    assert response.context["results"].was_truncated
    assert len(response.context["results"].query) <= 200


def test_only_punctuation_gets_a_hint():
    results = search(query="!!! ...", can_see_member_only=False)
    assert results.has_words is False and results.hits == []


def test_a_typo_is_corrected_and_the_corrected_search_shown():
    PublicationFactory(title="Helhedsplaner for udsatte boligområder")
    results = search(query="helhedsplaan", can_see_member_only=False)
    assert results.corrected_query == "helhedsplaner"
    assert titles(results) == ["Helhedsplaner for udsatte boligområder"]


def test_a_correction_never_leads_to_member_only_titles():
    PublicationFactory(title="Helhedsplaner fortroligt", is_member_only=True)
    results = search(query="helhedsplaan", can_see_member_only=False)
    assert results.corrected_query == "" and results.hits == [] and results.total == 0
    assert titles(search(query="helhedsplaan", can_see_member_only=True)) == [
        "Helhedsplaner fortroligt"
    ]


def test_facets_by_year_organisation_and_filtering():
    organisation = OrganisationFactory(name="Boligselskabet Fjord")
    older = PublicationFactory(title="Klimatilpasning 2023", published_on=datetime.date(2023, 5, 1))
    older.organisations.add(organisation)
    PublicationFactory(title="Klimatilpasning 2025", published_on=datetime.date(2025, 5, 1))
    results = search(query="klimatilpasning", can_see_member_only=False)
    years = next(f for f in results.facets if f.param == "year")
    assert {o.value: o.count for o in years.options} == {"2023": 1, "2025": 1}
    organisations = next(f for f in results.facets if f.param == "org")
    assert [(o.label, o.count) for o in organisations.options] == [("Boligselskabet Fjord", 1)]
    narrowed = search(
        query="klimatilpasning", can_see_member_only=False, params={"org": str(organisation.pk)}
    )
    assert titles(narrowed) == ["Klimatilpasning 2023"]
    narrowed = search(query="klimatilpasning", can_see_member_only=False, params={"year": "2025"})
    assert titles(narrowed) == ["Klimatilpasning 2025"]
    # Nonsense facet values are ignored.
    assert (
        search(
            query="klimatilpasning", can_see_member_only=False, params={"year": "x", "type": "'"}
        ).total
        == 2
    )


def test_project_participants_become_organisation_facets_and_the_index_follows_changes():
    project = ProjectFactory(title="Fælleshuse")
    partner = ParticipantFactory(project=project)
    document = SearchDocument.objects.get(kind="project")
    assert partner.organisation_id in document.organisation_ids
    project.title = "Fælleshuse og fællesskab"
    project.save()
    assert titles(search(query="fællesskab", can_see_member_only=False)) == [
        "Fælleshuse og fællesskab"
    ]
    project.delete()
    assert not SearchDocument.objects.filter(kind="project").exists()


def test_reindex_rebuilds_the_index(capsys):
    PublicationFactory(title="Grønne tage")
    SearchDocument.objects.all().delete()
    call_command("search_reindex")
    assert titles(search(query="tag", can_see_member_only=False)) == ["Grønne tage"]
    assert reindex_all()["publication"] == 1


def test_links_follow_the_viewer_language(client):
    from django.utils import translation

    with translation.override("en"):
        PublicationFactory(title="Fjernvarme i afdelingen", slug="fjernvarme")
    response = client.get("/en/search/", {"q": "fjernvarme"})
    assert response.context["results"].hits[0].url == "/en/publications/fjernvarme/"
    response = client.get("/search/", {"q": "fjernvarme"})
    assert response.context["results"].hits[0].url == "/publications/fjernvarme/"


def test_bench_search_runs_on_a_small_seed_and_rolls_back():
    from io import StringIO

    from publications.models import Publication

    out = StringIO()
    call_command("bench_search", publications=40, projects=5, queries=30, stdout=out)
    assert "median" in out.getvalue() and "p95" in out.getvalue()
    assert "recall@10 1.000" in out.getvalue()
    assert not Publication.objects.filter(slug__startswith="bench-").exists()
