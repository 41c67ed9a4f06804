"""My page keeps a member's own parts (affiliations and seats, the profile form's fields, the
panels of events, invoicing, newsletters and strategy) per person under the versions their rows
move (almennet.page_cache.personal): the second view asks only for the session and the user,
and a committed change to any of those rows shows at once."""

import re

import pytest
from django.db import transaction
from django.utils import timezone

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory
from devtools.factories.newsletters import SubscriberFactory
from events.models import Registration
from newsletters.models import Subscriber

pytestmark = pytest.mark.django_db(transaction=True)
ME = "/en/members/me/"


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", page)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def member(client):
    user = AffiliationFactory().user
    client.force_login(user)
    return user


def test_the_second_view_asks_only_for_the_session_and_the_user(
    client, page_cache, member, django_assert_num_queries
):
    RegistrationFactory(user=member, event=EventFactory(title="Boligsocial konference"))
    SubscriberFactory(email=member.email, user=member)
    first = client.get(ME).content.decode()
    with django_assert_num_queries(2):
        second = client.get(ME).content.decode()
    # The same page but for the CSRF tokens, which are masked afresh on every response.
    assert _without_tokens(second) == _without_tokens(first)
    assert "Boligsocial konference" in second
    assert 'data-panel="newsletters.subscriptions"' in second
    assert f'value="{member.first_name}"' in second


def test_a_saved_profile_shows_at_once(client, page_cache, member):
    client.get(ME)
    response = client.post(
        ME,
        {"first_name": "Birthe", "last_name": "Ny", "phone": "", "job_title": "", "language": "en"},
    )
    assert response.status_code == 302
    assert 'value="Birthe"' in client.get(ME).content.decode()


def test_a_cancelled_registration_shows_at_once(client, page_cache, member):
    registration = RegistrationFactory(user=member, event=EventFactory(title="Driftsdag"))
    page = client.get(ME).content.decode()
    assert page.count("Driftsdag") == 2  # my registrations, prices and invoices
    assert "<small>Cancelled</small>" not in page
    with transaction.atomic():
        registration.status = Registration.Status.CANCELLED
        registration.save()
    page = client.get(ME).content.decode()
    assert page.count("Driftsdag") == 1  # gone from the upcoming ones
    assert "<small>Cancelled</small>" in page  # and owes nothing


def test_a_subscription_shows_at_once(client, page_cache, member):
    assert "You do not receive the newsletter." in client.get(ME).content.decode()
    subscriber = SubscriberFactory(
        email=member.email, user=member, status=Subscriber.Status.PENDING, language="en"
    )
    assert "waits for you to open the confirmation link" in client.get(ME).content.decode()
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.save()
    assert "receives the newsletter" in client.get(ME).content.decode()


def test_an_affiliation_request_shows_at_once(client, page_cache, member):
    from devtools.factories.members import OrganisationFactory

    organisation = OrganisationFactory(name="Boligselskabet Fjordblik")
    client.get(ME)
    response = client.post(
        "/en/members/me/affiliations/",
        {
            "organisation": organisation.pk,
            "role": "employee",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(ME).content.decode()
    assert "Boligselskabet Fjordblik" in page
    assert "Awaiting confirmation" in page


def test_another_members_changes_leave_my_copy_standing(
    client, page_cache, member, django_assert_num_queries
):
    other = AffiliationFactory().user
    event = EventFactory()
    client.get(ME)
    with transaction.atomic():
        RegistrationFactory(user=other, event=event)
        SubscriberFactory(email=other.email, user=other)
    # The other member's registration moves only their scope; subscribers are one version, so
    # the panels, kept together, are built again (four queries: the registrations of two
    # panels, the subscription and the votes), and the rest stays: no query for affiliations,
    # seats or the profile form.
    with django_assert_num_queries(6):
        client.get(ME)
    with django_assert_num_queries(2):
        client.get(ME)


def test_the_second_view_reads_the_members_part_in_one_piece(
    client, page_cache, member, cache_reads
):
    """Every panel says what its rows move, so the member's whole part of the page is kept
    as HTML: the second view reads it once, not its affiliations, fields and panels apart."""
    first = client.get(ME).content.decode()
    cache_reads.clear()
    second = client.get(ME).content.decode()
    assert _without_tokens(second) == _without_tokens(first)
    personal = [key for key in cache_reads if ":personal-" in key]
    assert len(personal) == 1
    assert ":personal-part-my-page:" in personal[0]


def test_my_registrations_are_read_in_one_piece_and_a_cancellation_shows_at_once(
    client, page_cache, member, cache_reads
):
    registration = RegistrationFactory(
        user=member, event=EventFactory(title="Boligsocial konference")
    )
    assert "Boligsocial konference" in client.get("/en/events/mine/").content.decode()
    cache_reads.clear()
    assert "Boligsocial konference" in client.get("/en/events/mine/").content.decode()
    personal = [key for key in cache_reads if ":personal-" in key]
    assert len(personal) == 1 and ":personal-part-my-registrations:" in personal[0]
    response = client.post(f"/en/events/mine/{registration.pk}/cancel/")
    assert response.status_code == 302
    page = client.get("/en/events/mine/").content.decode()
    status = re.search(r'class="registration-status"[^>]*>([^<]*)<', page).group(1)
    assert status == "Cancelled"
