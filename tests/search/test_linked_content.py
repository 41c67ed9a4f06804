"""Links entered once show on both sides, and the index follows link changes from either side."""

import datetime

import pytest
from django.utils import timezone

from devtools.factories.members import UserFactory, member_user
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from events.models import Event, EventSession
from publications.selectors import related_for
from search.models import SearchDocument
from search.query import search
from strategy.models import FocusArea

pytestmark = pytest.mark.django_db


def _event(title="Temadag om tryghed"):
    event = Event.objects.create(title=title, slug="temadag-tryghed", is_published=True)
    start = timezone.make_aware(datetime.datetime(2026, 4, 1, 9, 0))
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=4)
    )
    return event


def test_related_for_reads_each_link_from_both_sides():
    event = _event()
    project = ProjectFactory(title="Tryg opgang")
    publication = PublicationFactory(title="Tryghedsrapport")
    secret = PublicationFactory(title="Intern tryghedsnote", is_member_only=True)
    project.events.add(event)  # entered on the project
    publication.events.add(event)  # entered on the publication
    secret.events.add(event)
    publication.projects.add(project)
    area = FocusArea.objects.create(title="Tryghed", slug="tryghed")
    area.publications.add(publication)  # entered on the focus area

    for_event = related_for(event, user=None)
    assert [p.title for p in for_event["projects"]] == ["Tryg opgang"]
    assert [p.title for p in for_event["publications"]] == ["Tryghedsrapport"]
    assert {p.title for p in related_for(event, user=member_user())["publications"]} == {
        "Intern tryghedsnote",
        "Tryghedsrapport",
    }

    for_publication = related_for(publication, user=UserFactory())
    assert [e.title for e in for_publication["events"]] == ["Temadag om tryghed"]
    assert [p.title for p in for_publication["projects"]] == ["Tryg opgang"]
    assert [a.title for a in for_publication["focus_areas"]] == ["Tryghed"]

    for_area = related_for(area, user=None)
    assert [p.title for p in for_area["publications"]] == ["Tryghedsrapport"]
    # Every item has a page_url, even where the app has no detail page yet.
    assert all(hasattr(item, "page_url") for items in for_area.values() for item in items)


def test_focus_area_links_update_the_index_from_either_side():
    publication = PublicationFactory(title="Klimarapport")
    area = FocusArea.objects.create(title="Klima", slug="klima")
    document = SearchDocument.objects.get(kind="publication")
    assert document.focus_area_ids == []

    area.publications.add(publication)  # forward side
    document.refresh_from_db()
    assert document.focus_area_ids == [area.pk]

    publication.focus_areas.remove(area)  # reverse side
    document.refresh_from_db()
    assert document.focus_area_ids == []

    publication.focus_areas.add(area)
    area.publications.clear()  # a clear sends no ids: the index still follows
    document.refresh_from_db()
    assert document.focus_area_ids == []


def test_focus_area_facet_narrows_the_search():
    area = FocusArea.objects.create(title="Klima", slug="klima")
    inside = PublicationFactory(title="Skybrud og regnvand")
    PublicationFactory(title="Skybrud i byen")
    area.publications.add(inside)
    results = search(query="skybrud", can_see_member_only=False)
    focus = next(f for f in results.facets if f.param == "focus")
    assert [(o.label, o.count) for o in focus.options] == [("Klima", 1)]
    narrowed = search(query="skybrud", can_see_member_only=False, params={"focus": str(area.pk)})
    assert [hit.title for hit in narrowed.hits] == ["Skybrud og regnvand"]


def test_event_sessions_and_files_reindex_their_parent():
    event = _event("Kursus i helhedsplaner")
    assert SearchDocument.objects.get(kind="event").year == 2026
    session = event.sessions.get()
    session.starts_at = session.starts_at.replace(year=2027)
    session.ends_at = session.ends_at.replace(year=2027)
    session.save()
    assert SearchDocument.objects.get(kind="event").year == 2027
