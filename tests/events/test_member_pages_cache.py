"""Members' pages keep what is the same for every member (the event with its seat counts, its
sessions and related lists, the front page's lists) under the page cache's content version
(almennet/page_cache.py's shared()): fewer queries on the second view, and a committed change,
such as another member's sign-up, shows at once."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, staff_with_totp
from events.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_a_members_second_view_of_an_event_asks_only_for_what_is_personal(
    client, page_cache, django_assert_num_queries
):
    member = AffiliationFactory().user
    event = EventFactory(capacity=5)
    client.force_login(member)
    first = client.get(f"/en/events/{event.slug}/")
    assert "5 places left" in first.content.decode()
    # session and user (its second factors come with it); the member's registration and where
    # the member stands are kept under the content version too (almennet.page_cache.personal).
    with django_assert_num_queries(2):
        second = client.get(f"/en/events/{event.slug}/")
    assert second.status_code == 200
    assert "5 places left" in second.content.decode()
    assert 'id="signup-form"' in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_sign_up_shows_in_the_seat_count_at_once(client, page_cache):
    member = AffiliationFactory().user
    event = EventFactory(capacity=5)
    client.force_login(member)
    assert "5 places left" in client.get(f"/en/events/{event.slug}/").content.decode()
    with transaction.atomic():
        RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    assert "4 places left" in client.get(f"/en/events/{event.slug}/").content.decode()


def test_staff_see_drafts_past_the_shared_copy(page_cache):
    from django.http import Http404

    from events.selectors import event_for_viewer_shared

    event = EventFactory(is_published=False)
    with pytest.raises(Http404):
        event_for_viewer_shared(slug=event.slug, user=AffiliationFactory().user)
    assert event_for_viewer_shared(slug=event.slug, user=staff_with_totp()) == event


def test_the_front_page_lists_are_shared_per_kind_of_viewer(
    client, page_cache, django_assert_num_queries
):
    EventFactory(title="Kursusdag om tryghed")
    client.force_login(AffiliationFactory().user)
    assert "Kursusdag om tryghed" in client.get("/en/").content.decode()
    # session and user (its second factors come with it); where the member stands is kept per
    # person (members.selectors.user_standing).
    with django_assert_num_queries(2):
        assert "Kursusdag om tryghed" in client.get("/en/").content.decode()


def test_the_shared_front_page_is_kept_apart_per_kind_of_viewer_and_language(client, page_cache):
    from devtools.factories.publications import PublicationFactory

    PublicationFactory(title="Medlemsrapport om fugt", is_member_only=True)
    PublicationFactory(title="Offentlig guide om fugt")
    client.force_login(AffiliationFactory().user)
    for _ in range(2):
        assert "Medlemsrapport om fugt" in client.get("/").content.decode()
        assert "Next events" in client.get("/en/").content.decode()
    client.logout()
    # A visitor's page (the whole-page cache) and a non-member's share nothing with a member's.
    visitor = client.get("/").content.decode()
    assert "Offentlig guide om fugt" in visitor and "Medlemsrapport om fugt" not in visitor
    client.force_login(AffiliationFactory(confirmed_at=None).user)
    not_yet = client.get("/").content.decode()
    assert "Offentlig guide om fugt" in not_yet and "Medlemsrapport om fugt" not in not_yet


def test_the_shared_event_page_is_kept_apart_per_kind_of_viewer_and_language(client, page_cache):
    from devtools.factories.publications import PublicationFactory

    event = EventFactory()
    event.publications.add(
        PublicationFactory(title="Medlemsrapport om fugt", is_member_only=True, is_published=True)
    )
    client.force_login(AffiliationFactory().user)
    for _ in range(2):
        assert "Medlemsrapport om fugt" in client.get(f"/events/{event.slug}/").content.decode()
    english = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Practical information" in english and "Praktisk information" not in english
    client.force_login(AffiliationFactory(confirmed_at=None).user)
    not_yet = client.get(f"/events/{event.slug}/").content.decode()
    assert event.title in not_yet and "Medlemsrapport om fugt" not in not_yet


def test_a_signup_form_with_bad_input_shows_the_error_on_its_field(client, page_cache):
    member = AffiliationFactory().user
    event = EventFactory(member_price=100, non_member_price=200)
    client.force_login(member)
    response = client.post(f"/en/events/{event.slug}/signup/", {"billing_email": "ikke-en-adresse"})
    assert response.status_code == 400
    text = response.content.decode()
    field = re.search(r'<input[^>]*name="billing_email"[^>]*>', text).group(0)
    assert "is-invalid" in field and 'aria-invalid="true"' in field
    assert "Enter a valid email address." in text


@pytest.mark.django_db(transaction=True)
def test_a_members_own_sign_up_shows_at_once_on_the_event_and_their_list(client, page_cache):
    member = AffiliationFactory().user
    event = EventFactory(capacity=5, title="Kursus i tryghed")
    client.force_login(member)
    assert 'id="signup-form"' in client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Kursus i tryghed" not in client.get("/en/events/mine/").content.decode()
    assert client.post(f"/en/events/{event.slug}/signup/", {}).status_code == 302
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "You are signed up." in page and 'id="signup-form"' not in page
    assert "Kursus i tryghed" in client.get("/en/events/mine/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_affiliation_gives_the_member_price_at_once(client, page_cache):
    from django.utils import timezone

    affiliation = AffiliationFactory(confirmed_at=None)
    event = EventFactory(member_price=100, non_member_price=900)
    client.force_login(affiliation.user)
    assert "Your price: DKK 900.00" in client.get(f"/en/events/{event.slug}/").content.decode()
    with transaction.atomic():
        affiliation.confirmed_at = timezone.now()
        affiliation.save()
    assert "Your price: DKK 100.00" in client.get(f"/en/events/{event.slug}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_another_members_sign_up_renews_only_the_seat_count(
    client, page_cache, django_assert_num_queries
):
    """A sign-up moves the event's scope, not the content version: the member's next view
    reads the seat counts afresh (one query) and keeps the shared text, form and own rows."""
    member, other = AffiliationFactory().user, AffiliationFactory().user
    event = EventFactory(capacity=5)
    client.force_login(member)
    client.get(f"/en/events/{event.slug}/")
    with transaction.atomic():
        RegistrationFactory(event=event, user=other, status=Registration.Status.CONFIRMED)
    # session, user and the event's seat counts
    with django_assert_num_queries(3):
        page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "4 places left" in page
    assert 'id="signup-form"' in page


def test_the_seat_counts_kept_for_the_event_page_agree_with_the_event_list(page_cache):
    """event_seat_counts counts one event as with_seat_counts() counts any number."""
    from events.models import Event
    from events.selectors import event_seat_counts

    event = EventFactory(capacity=3)
    for status in ("confirmed", "attended", "no_show", "cancelled"):
        RegistrationFactory(event=event, status=status)
    for position in (1, 2):
        RegistrationFactory(event=event, status="waiting", waiting_position=position)
    listed = Event.objects.with_seat_counts().get(pk=event.pk)
    assert (
        event_seat_counts(event=event)
        == {
            "confirmed_count": listed.confirmed_count,
            "waiting_count": listed.waiting_count,
            "seats_left": listed.seats_left,
        }
        == {"confirmed_count": 3, "waiting_count": 2, "seats_left": 0}
    )


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.django_db(transaction=True)
def test_members_share_the_pages_shell_but_not_their_box_token_or_messages(page_cache):
    """A member's event page is a shell shared per kind of viewer with the sign-up box, the
    messages and the CSRF token filled in per request (events.views._detail_page)."""
    from django.test import Client

    event = EventFactory(capacity=5, title="Fællesmøde om drift")
    first, second = AffiliationFactory().user, AffiliationFactory().user
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(first)
    page = browser.get(f"/en/events/{event.slug}/").content.decode()
    answer = browser.post(f"/en/events/{event.slug}/signup/", {"csrfmiddlewaretoken": _token(page)})
    assert answer.status_code == 302
    page = browser.get(f"/en/events/{event.slug}/").content.decode()
    assert "You are signed up. A confirmation" in page  # the message, once
    assert "4 places left" in page and "registration-status" in page
    assert (
        "You are signed up. A confirmation"
        not in browser.get(f"/en/events/{event.slug}/").content.decode()
    )

    # The second member's view builds the shell without a registration; the third's is put
    # together from it.
    builder = Client()
    builder.force_login(second)
    builder.get(f"/en/events/{event.slug}/")
    third = AffiliationFactory().user
    other = Client(enforce_csrf_checks=True)
    other.force_login(third)
    page = other.get(f"/en/events/{event.slug}/").content.decode()
    assert "Fællesmøde om drift" in page and "4 places left" in page
    assert "registration-status" not in page and 'id="signup-form"' in page
    assert "--csrf-token--" not in page and "<!-- signup -->" not in page
    answer = other.post(f"/en/events/{event.slug}/signup/", {"csrfmiddlewaretoken": _token(page)})
    assert answer.status_code == 302
    assert Registration.objects.filter(event=event).count() == 2


def test_a_sign_up_from_the_event_page_writes_without_reading_the_event_again(
    client, page_cache, django_assert_num_queries
):
    """The POST takes the event the page read from the shared copy and counts under the lock:
    session, user; the sign-up's savepoint and its release (the test's transaction is the outer
    one); the lock on two of the event's columns, one count of seats and waiting positions; the
    registration, the action log row and the mail's intent (no savepoint: its key is new)."""
    member = AffiliationFactory().user
    event = EventFactory(capacity=5)
    client.force_login(member)
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # The action log names the registration's type, which each process looks up once (a
    # transactional test before this one in the same process may have emptied that memo).
    ContentType.objects.get_for_model(Registration)
    with django_assert_num_queries(9) as captured:
        response = client.post(f"/en/events/{event.slug}/signup/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum("FOR UPDATE" in statement for statement in sql) == 1
    assert not any('FROM "events_event"' in s and "FOR UPDATE" not in s for s in sql)
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_the_sign_up_box_is_kept_per_member_and_says_at_once_when_another_took_the_last_seat(
    client, page_cache, cache_reads
):
    """The box (form, price, a full event's notice) is kept per member and event under the
    event's scope too: a second view reads it in one piece, and another member's sign-up for
    the last seat shows in it at once."""
    member, other = AffiliationFactory().user, AffiliationFactory().user
    event = EventFactory(capacity=1)
    client.force_login(member)
    first = client.get(f"/en/events/{event.slug}/").content.decode()
    assert 'id="signup-form"' in first and "The event is full" not in first
    cache_reads.clear()
    client.get(f"/en/events/{event.slug}/")
    assert [key for key in cache_reads if ":personal-signup-box:" in key]
    assert not [key for key in cache_reads if ":signup-fields:" in key]  # the form was not built
    with transaction.atomic():
        RegistrationFactory(event=event, user=other, status=Registration.Status.CONFIRMED)
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "The event is full: if you sign up, you join the waiting list." in page
    assert 'id="signup-form"' in page
