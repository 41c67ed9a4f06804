"""The association's figures on the front page and in every page's footer come from the data
(members.selectors.member_figures, members.context_processors.association_figures)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.factories.members import OrganisationFactory
from members.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    OrganisationFactory(homes=2500)
    OrganisationFactory(homes=1000)
    OrganisationFactory(homes=500)
    OrganisationFactory(homes=9999, member_until=datetime.date(2020, 12, 31))  # left
    OrganisationFactory(homes=7777, kind=Organisation.Kind.KNOWLEDGE, member_since=None)


def test_front_page_and_footer_count_the_members_and_their_homes(client, members):
    html = client.get("/").content.decode()
    assert "netværksforening af 3 boligorganisationer, der tilsammen repræsenterer 4.000" in html
    assert "3 medlemsorganisationer, 4.000 boliger." in html
    assert "54 " not in html and "464" not in html


def test_in_english_the_figures_are_grouped_the_english_way(client, members):
    html = client.get("/en/").content.decode()
    assert "association of 3 housing organisations that together represent 4,000" in html
    assert "3 member organisations, 4,000 homes." in html


def test_every_page_has_the_footer_figures_and_one_member_is_singular(client):
    OrganisationFactory(homes=464_000)
    html = client.get("/events/").content.decode()
    assert "1 medlemsorganisation, 464.000 boliger." in html


def test_a_change_shows_on_the_next_page(client, members):
    assert "3 medlemsorganisationer, 4.000 boliger." in client.get("/events/").content.decode()
    OrganisationFactory(homes=1000)
    assert "4 medlemsorganisationer, 5.000 boliger." in client.get("/events/").content.decode()


def test_the_figures_cost_one_query_and_only_where_printed(client, members):
    with CaptureQueriesContext(connection) as queries:
        client.get("/events/")
    assert len([q for q in queries.captured_queries if '"homes"' in q["sql"]]) == 1
    with CaptureQueriesContext(connection) as queries:
        client.get("/robots.txt")  # no template, no figures
    assert queries.captured_queries == []
