"""robots.txt, sitemap.xml (public pages only) and /favicon.ico."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from devtools.factories.events import EventFactory
from devtools.factories.members import OrganisationFactory
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from devtools.factories.strategy import FocusAreaFactory
from strategy.models import FocusArea


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client, settings):
    settings.SITE_URL = "https://almennet.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/accounts/", "/members/me/", "/en/admin/", "/en/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the public site stays open
    assert "Sitemap: https://almennet.example/sitemap.xml" in lines


def test_favicon_ico_is_served_from_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert body == icon.read()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


@pytest.mark.django_db
def test_sitemap_lists_public_pages_in_both_languages_and_nothing_private(client, settings):
    settings.SITE_URL = "https://almennet.example"
    EventFactory(slug="aabent-seminar")
    EventFactory(slug="kladde-seminar", is_published=False)
    ProjectFactory(slug="offentligt-projekt")
    ProjectFactory(slug="skjult-projekt", is_published=False)
    PublicationFactory(slug="aaben-rapport")
    PublicationFactory(slug="medlemsrapport", is_member_only=True)
    PublicationFactory(slug="kladde-rapport", is_published=False)
    OrganisationFactory(slug="boligselskabet-kaerholm")
    FocusAreaFactory(slug="godkendt-omraade")
    FocusAreaFactory(slug="ventende-forslag", moderation=FocusArea.Moderation.PENDING)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    base = "https://almennet.example"
    for path in (
        "/",
        "/events/",
        "/events/aabent-seminar/",
        "/projects/offentligt-projekt/",
        "/publications/aaben-rapport/",
        "/members/boligselskabet-kaerholm/",
        "/strategy/focus-areas/godkendt-omraade/",
        "/newsletter/archive/",
    ):
        assert f"<loc>{base}{path}</loc>" in xml
        assert f"<loc>{base}/en{path}</loc>" in xml
    for private in (
        "kladde-seminar",
        "skjult-projekt",
        "medlemsrapport",
        "kladde-rapport",
        "ventende-forslag",
        "/admin/",
        "/accounts/",
        "/members/me/",
        "/events/mine/",
        "/strategy/votes/",
        "example.com",
    ):
        assert private not in xml
    assert reverse("sitemap") == "/sitemap.xml"


@pytest.mark.django_db
def test_sitemap_query_count_does_not_grow_with_content(client, django_assert_max_num_queries):
    EventFactory()
    with django_assert_max_num_queries(20) as small:
        client.get("/sitemap.xml")
    EventFactory.create_batch(5)
    ProjectFactory.create_batch(3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/sitemap.xml")
