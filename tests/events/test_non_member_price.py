"""A person who pays the non-member price is told why and how to get linked to their
organisation, with a way back to the event."""

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from members.models import Affiliation

pytestmark = pytest.mark.django_db


def _page(client, user, event):
    client.force_login(user)
    return client.get(event.get_absolute_url()).content.decode()


def test_a_non_member_sees_why_and_a_link_to_ask_to_be_linked(client):
    event = EventFactory()
    html = _page(client, UserFactory(), event)
    assert "Du betaler ikke-medlemspris, fordi din konto ikke er knyttet" in html
    link = f"{reverse('members:me')}?next={event.get_absolute_url()}#request-affiliation"
    assert f'href="{link}"' in html


def test_a_pending_request_is_named_with_what_happens_on_confirmation(client):
    user = UserFactory()
    AffiliationFactory(user=user, organisation__name="Bo & Co", confirmed_at=None)
    html = _page(client, user, EventFactory())
    assert "indtil sekretariatet har bekræftet, at du arbejder hos Bo &amp; Co" in html
    assert "#request-affiliation" not in html


def test_members_and_free_events_get_no_explanation(client):
    member = AffiliationFactory().user
    assert 'data-testid="non-member-price"' not in _page(client, member, EventFactory())
    free = EventFactory(member_price=0, non_member_price=0)
    assert 'data-testid="non-member-price"' not in _page(client, UserFactory(), free)


def test_asking_to_be_linked_returns_to_the_event(client):
    user = UserFactory()
    event = EventFactory()
    client.force_login(user)
    page = client.get(reverse("members:me") + f"?next={event.get_absolute_url()}")
    assert f'name="next" value="{event.get_absolute_url()}"' in page.content.decode()
    response = client.post(
        reverse("members:affiliation_request"),
        {
            "organisation": OrganisationFactory().pk,
            "role": Affiliation.Role.EMPLOYEE,
            "starts_on": timezone.localdate().isoformat(),
            "next": event.get_absolute_url(),
        },
    )
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert Affiliation.objects.filter(user=user, confirmed_at__isnull=True).exists()


def test_a_next_to_another_site_is_ignored(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("members:affiliation_request"),
        {
            "organisation": OrganisationFactory().pk,
            "role": Affiliation.Role.EMPLOYEE,
            "starts_on": timezone.localdate().isoformat(),
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("members:me")
