"""The secretariat's changelists and change pages at real size (make bench seeds 100,000
registrations, 20,000 people, 10,000 publications): their query counts do not grow with the
rows, big relations are searched pickers (autocomplete) instead of selects of every row, and
the registration list is ordered along its own index. Timings belong to `make bench`'s admin
check; here the shape that keeps them flat."""

import pytest
from django.contrib import admin

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, staff_with_totp
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from devtools.factories.strategy import FocusAreaFactory
from events.models import Registration
from publications.models import Publication
from strategy.models import FocusArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    client.force_login(staff_with_totp(is_superuser=True))
    return client


def _count(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/registration/",
        "/admin/events/registration/?q=jensen",
        "/admin/events/registration/?status__exact=confirmed",
        "/admin/members/user/",
        "/admin/members/user/?q=jensen",
        "/admin/members/affiliation/?q=jensen",
        "/admin/publications/publication/?q=tryghed",
    ],
)
def test_changelists_ask_the_same_number_of_queries_however_many_rows(
    secretariat, url, django_assert_max_num_queries
):
    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    AffiliationFactory.create_batch(3)
    PublicationFactory.create_batch(3)
    small = _count(secretariat, url, django_assert_max_num_queries, 12)
    for other in EventFactory.create_batch(3):
        RegistrationFactory.create_batch(10, event=other)
    AffiliationFactory.create_batch(20)
    PublicationFactory.create_batch(20)
    assert _count(secretariat, url, django_assert_max_num_queries, small) <= small


def test_the_registration_list_is_newest_first_along_its_index_without_a_full_count(
    secretariat,
):
    model_admin = admin.site._registry[Registration]
    assert model_admin.get_ordering(None) == ["-created_at", "-pk"]
    assert model_admin.show_full_result_count is False
    assert not model_admin.date_hierarchy  # the distinct days of every registration
    index = {tuple(i.fields) for i in Registration._meta.indexes}
    assert ("created_at", "id") in index


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Publication, {"events", "projects", "organisations", "tags"}),
        (FocusArea, {"events", "projects", "publications"}),
    ],
)
def test_big_relations_are_searched_pickers(model, fields):
    assert fields <= set(admin.site._registry[model].autocomplete_fields)


@pytest.mark.parametrize("kind", ["publication", "focusarea", "project"])
def test_change_pages_do_not_list_every_event_or_publication(
    secretariat, kind, django_assert_max_num_queries
):
    obj = {
        "publication": PublicationFactory,
        "focusarea": FocusAreaFactory,
        "project": ProjectFactory,
    }[kind]()
    app = {"publication": "publications", "focusarea": "strategy", "project": "projects"}[kind]
    url = f"/admin/{app}/{kind}/{obj.pk}/change/"
    EventFactory.create_batch(2, title="Seminar om fugt")
    first = secretariat.get(url)
    assert first.status_code == 200
    small = _count(secretariat, url, django_assert_max_num_queries, 30)
    EventFactory.create_batch(15, title="Seminar om fugt")
    PublicationFactory.create_batch(15)
    response = secretariat.get(url)
    # An autocomplete select lists only what is chosen, never every event.
    assert "Seminar om fugt" not in response.content.decode()
    assert _count(secretariat, url, django_assert_max_num_queries, small) <= small
