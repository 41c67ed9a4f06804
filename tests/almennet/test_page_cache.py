import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from almennet import page_cache as page_cache_module
from devtools.factories.members import member_user
from events.models import Event, EventSession


def _outbox_message_model():
    """The outbox's model: in `mailings` on this branch, in `outbox` once main's split of
    mailings into outbox and newsletters is merged."""
    from django.apps import apps

    return apps.get_model("outbox" if apps.is_installed("outbox") else "mailings", "OutboxMessage")


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


@pytest.mark.django_db(transaction=True)
def test_a_change_in_content_shows_at_once_after_commit(client, page_cache):
    _event("Seminar")
    assert "Kursusdag" not in client.get("/").content.decode()
    version = page_cache_module.content_version()
    with transaction.atomic():
        _event("Kursusdag")
        _event("Temadag")
        assert page_cache_module.content_version() == version
    # One move per transaction, however many rows it wrote.
    assert page_cache_module.content_version() == version + 1
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Kursusdag" in response.content.decode()


def test_the_version_does_not_move_before_the_commit(client, page_cache):
    """Moved before the commit, a request in between would store the old page under the new
    version. Inside the test's transaction nothing has committed, so the page stays."""
    _event("Seminar")
    client.get("/")
    version = page_cache_module.content_version()
    _event("Kursusdag")
    assert page_cache_module.content_version() == version
    assert client.get("/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_rows_no_visitor_sees_leave_the_cache_alone(page_cache):
    from activity.services import record
    from events.models import Registration

    OutboxMessage = _outbox_message_model()

    user = member_user()
    event = _event("Seminar")
    version = page_cache_module.content_version()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])  # what every login does
    OutboxMessage.objects.create(
        to="a@example.org",
        language="da",
        template="test",
        subject="Hej",
        body_text="Hej",
        message_id="<page-cache-test@almennet.dk>",
    )
    page_cache_module.content_changed(sender=Event.history.model)  # a field-history row
    assert page_cache_module.content_version() == version

    seats = page_cache_module.version(page_cache_module.SEATS)
    # Places left change: the seats version moves, the content version stays.
    registration = Registration.objects.create(event=event, user=user)
    assert page_cache_module.version(page_cache_module.SEATS) == seats + 1
    record(user, "registration.signed_up", registration)  # the action log
    assert page_cache_module.content_version() == version
    assert page_cache_module.version(page_cache_module.SEATS) == seats + 1


def test_tracking_parameters_share_the_page_and_junk_is_not_stored(client, page_cache):
    _event("Seminar")
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/?utm_source=mail&utm_campaign=x&fbclid=1")["X-Page-Cache"] == "hit"
    # A parameter the front page does not read is answered without the cache: never stored,
    # so random junk cannot fill it.
    response = client.get("/?x=1")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in client.get("/?x=1")


def test_parameters_a_list_reads_are_part_of_the_key_in_any_order(client, page_cache):
    _event("Seminar")
    assert client.get("/events/?past=1&page=1")["X-Page-Cache"] == "miss"
    assert client.get("/events/?page=1&past=1&utm_medium=x")["X-Page-Cache"] == "hit"
    assert client.get("/events/?past=1&page=2")["X-Page-Cache"] == "miss"


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


def test_a_hit_is_answered_before_the_session_locale_csrf_and_auth_middleware(settings):
    """The point of the page cache is a hit that costs little more than a bare view: it sits
    right after WhiteNoise, before every middleware that reads cookies or sets up the user."""
    order = [path.rsplit(".", 1)[-1] for path in settings.MIDDLEWARE]
    position = order.index("AnonymousPageCacheMiddleware")
    for later in (
        "SessionMiddleware",
        "LocaleMiddleware",
        "CsrfViewMiddleware",
        "AuthenticationMiddleware",
        "MessageMiddleware",
        "AccountMiddleware",
    ):
        assert order.index(later) > position, later
    assert order.index("WhiteNoiseMiddleware") < position


def test_a_hit_carries_what_the_inner_middleware_added_and_skips_their_work(
    client, page_cache, monkeypatch
):
    client.get("/en/")
    stored = client.get("/en/")
    assert stored["X-Page-Cache"] == "hit"
    assert stored["Content-Language"] == "en"
    assert stored["X-Frame-Options"] == "DENY"

    def no_session(*args, **kwargs):
        raise AssertionError("the session middleware ran for a cache hit")

    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request", no_session
    )
    again = client.get("/en/")
    assert again["X-Page-Cache"] == "hit" and again.content == stored.content


def test_paths_outside_the_language_prefixes_are_never_cached(client, page_cache):
    client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz")


@pytest.mark.django_db(transaction=True)
def test_registrations_move_the_seats_and_their_event_and_person_once_after_commit(page_cache):
    from events.models import Registration

    first, second, other_event = _event("Seminar"), _event("Kursusdag"), _event("Netværksmøde")
    one, two, bystander = member_user(), member_user(), member_user()
    names = (
        page_cache_module.CONTENT,
        page_cache_module.SEATS,
        f"event:{first.pk}",
        f"event:{second.pk}",
        f"event:{other_event.pk}",
        f"user:{one.pk}",
        f"user:{two.pk}",
        f"user:{bystander.pk}",
    )
    before = {name: page_cache_module.version(name) for name in names}
    with transaction.atomic():
        Registration.objects.create(event=first, user=one)
        Registration.objects.create(event=second, user=two)
        # Nothing moves before the commit.
        assert {name: page_cache_module.version(name) for name in names} == before
    after = {name: page_cache_module.version(name) for name in names}
    moved = {name for name in names if after[name] != before[name]}
    assert moved == {
        page_cache_module.SEATS,
        f"event:{first.pk}",
        f"event:{second.pk}",
        f"user:{one.pk}",
        f"user:{two.pk}",
    }
    assert after[page_cache_module.SEATS] == before[page_cache_module.SEATS] + 1  # once


def test_an_evicted_scope_never_comes_back_at_a_number_a_copy_was_kept_under(page_cache):
    from django.core.cache import cache

    numbers = [page_cache_module.version("event:4711")]
    page_cache_module._move([page_cache_module.SCOPE_KEY + "event:4711"])
    numbers.append(page_cache_module.version("event:4711"))
    cache.delete(page_cache_module.SCOPE_KEY + "event:4711")  # evicted under memory pressure
    assert page_cache_module.version("event:4711") > max(numbers)


@pytest.mark.django_db(transaction=True)
def test_a_visitor_sees_a_committed_sign_up_in_the_places_left_at_once(client, page_cache):
    from events.models import Registration

    event = _event("Seminar")
    event.capacity = 5
    event.save()
    assert "5 pladser tilbage" in client.get(f"/events/{event.slug}/").content.decode()
    assert client.get(f"/events/{event.slug}/")["X-Page-Cache"] == "hit"
    Registration.objects.create(
        event=event, user=member_user(), status=Registration.Status.CONFIRMED
    )
    response = client.get(f"/events/{event.slug}/")
    assert response["X-Page-Cache"] == "miss"
    assert "4 pladser tilbage" in response.content.decode()


def test_a_copy_kept_under_a_scope_is_stale_once_the_content_version_moves(page_cache):
    """After a Redis outage the first request moves the content version (changes made during
    the outage could not move their scopes): every copy, the scoped ones included, is stale."""
    built = []

    def build():
        built.append(1)
        return len(built)

    assert page_cache_module.shared("t", build, on=("user:7",)) == 1
    assert page_cache_module.shared("t", build, on=("user:7",)) == 1
    page_cache_module._version_move()
    assert page_cache_module.shared("t", build, on=("user:7",)) == 2


def test_a_members_first_page_builds_their_own_parts_without_asking_the_cache(
    client, page_cache, cache_reads
):
    """A scope this request started (a member's first page: their scope is new) cannot have
    copies under it yet, so personal() builds them without a cache read; the next page reads
    them."""
    event = _event("Seminar")
    client.force_login(member_user())
    cache_reads.clear()
    assert client.get(f"/events/{event.slug}/").status_code == 200
    assert not [key for key in cache_reads if ":personal-" in key]
    assert any(key.startswith("page-cache:scope:user:") for key in cache_reads)  # looked for
    cache_reads.clear()
    assert client.get(f"/events/{event.slug}/").status_code == 200
    assert [key for key in cache_reads if ":personal-registration:" in key]


def test_what_a_members_first_look_builds_is_kept_in_one_write_as_the_request_ends(
    client, page_cache, monkeypatch
):
    """A member's first look at an event builds their registration, where they stand, the
    seat counts and their sign-up box: kept together in one set_many (one round trip to Redis),
    not one set each; the next look reads them back and builds none of them."""
    from django.core.cache.backends.locmem import LocMemCache

    from devtools.factories.events import EventFactory

    writes, inside = [], []
    real_set, real_set_many = LocMemCache.set, LocMemCache.set_many

    def set_one(self, key, *args, **kwargs):
        if not inside:  # the local-memory cache's set_many sets one by one
            writes.append(("set", [key]))
        return real_set(self, key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        writes.append(("set_many", list(data)))
        inside.append(True)
        try:
            return real_set_many(self, data, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(LocMemCache, "set", set_one)
    monkeypatch.setattr(LocMemCache, "set_many", set_many)
    event = EventFactory(capacity=5)
    client.force_login(member_user())
    assert client.get(f"/en/events/{event.slug}/").status_code == 200
    parts = [(kind, keys) for kind, keys in writes if any(k.startswith("shared:") for k in keys)]
    assert [kind for kind, _keys in parts] == ["set_many"]
    kept = " ".join(parts[0][1])
    for name in ("personal-registration", "personal-standing", "event-seats", "signup-box"):
        assert name in kept
    writes.clear()
    again = client.get(f"/en/events/{event.slug}/")
    assert 'id="signup-form"' in again.content.decode()
    assert not [keys for _kind, keys in writes if any(k.startswith("shared:") for k in keys)]
    # outside a request (a task, a command) a part is kept at once
    page_cache_module.shared("outside", lambda: "built", 1)
    assert len(writes) == 1 and writes[0][0] == "set"
    assert writes[0][1][0].startswith("shared:") and ":outside:" in writes[0][1][0]
