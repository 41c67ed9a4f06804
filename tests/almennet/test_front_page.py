import datetime

import pytest
from django.utils import timezone

from devtools.factories.members import member_user
from events.models import Event, EventSession
from members.models import Organisation
from projects.models import Project
from publications.models import Publication
from strategy.models import Ambition

pytestmark = pytest.mark.django_db


def _event(title, *, days, published=True):
    event = Event.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), is_published=published
    )
    start = timezone.now() + datetime.timedelta(days=days)
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    return event


def _content():
    owner = Organisation.objects.create(name="Boligselskabet Test", slug="bs-test", homes=100)
    _event("Aarsseminar", days=10)
    _event("Kursus i beboerdemokrati", days=3)
    _event("Kladde", days=5, published=False)
    _event("Sidste aar", days=-400)
    Publication.objects.create(title="Guide til renovering", slug="guide", is_published=True)
    Publication.objects.create(
        title="Medlemsrapport", slug="medlemsrapport", is_published=True, is_member_only=True
    )
    Project.objects.create(
        title="Fremtidens boligafdeling", slug="fremtid", is_published=True, owner=owner
    )
    Project.objects.create(title="Hemmeligt projekt", slug="hemmeligt", is_published=False)
    for number in range(1, 7):
        Ambition.objects.create(number=number, title=f"Ambition nummer {number}")


def test_front_page_shows_next_events_latest_content_and_the_six_ambitions(client):
    _content()
    html = client.get("/").content.decode()
    assert html.index("Kursus i beboerdemokrati") < html.index("Aarsseminar")
    assert "Kladde" not in html
    assert "Sidste aar" not in html
    assert "Guide til renovering" in html
    assert "Fremtidens boligafdeling" in html
    assert "Hemmeligt projekt" not in html
    assert all(f"Ambition nummer {n}" in html for n in range(1, 7))


def test_member_only_publications_show_on_the_front_page_for_members_only(client):
    _content()
    assert "Medlemsrapport" not in client.get("/").content.decode()
    client.force_login(member_user())
    assert "Medlemsrapport" in client.get("/").content.decode()


def test_front_page_query_count_does_not_grow_with_content(client, django_assert_max_num_queries):
    _content()
    for i in range(20):
        _event(f"Ekstra arrangement {i}", days=20 + i)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
