import datetime

import pytest
from django.utils import timezone

from events.models import Event, EventSession
from tests.members.factories import member_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def _event(title):
    event = Event.objects.create(title=title, slug=title.lower(), is_published=True)
    start = timezone.now() + datetime.timedelta(days=3)
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    return event


def test_visitors_get_a_cached_page_without_queries(client, page_cache, django_assert_num_queries):
    _event("Seminar")
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_a_change_in_content_shows_at_once(client, page_cache):
    _event("Seminar")
    assert "Kursusdag" not in client.get("/").content.decode()
    _event("Kursusdag")
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Kursusdag" in response.content.decode()


def test_languages_are_cached_apart(client, page_cache):
    client.get("/")
    assert "Next events" in client.get("/en/").content.decode()
    assert "Næste arrangementer" in client.get("/").content.decode()


def test_logged_in_people_never_get_or_fill_the_cache(client, page_cache):
    client.get("/")  # a visitor's copy is in the cache now
    client.force_login(member_user())
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "Log ud" in response.content.decode()


def test_pages_with_forms_that_set_a_csrf_cookie_are_not_cached(client, page_cache):
    response = client.get("/accounts/login/")
    assert "X-Page-Cache" not in response
    response = client.get("/newsletter/")
    assert response.get("X-Page-Cache") != "hit"
    assert client.get("/newsletter/").get("X-Page-Cache") != "hit"


def test_visitor_pages_carry_no_csrf_token(client, page_cache):
    html = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html
