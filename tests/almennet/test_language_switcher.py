"""The language switcher links to the same page in the other language, and never off-site
(issue 12, finding 9): on a 404 for "//evil.example/" the English link was
"//evil.example/en/", which a browser opens as https://evil.example/en/."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from almennet.context_processors import site

pytestmark = pytest.mark.django_db

NOT_LOCAL = ["//evil.example/", "//evil.example/events/", "///evil.example/"]


def _switcher_url(raw_path: str) -> str:
    request = RequestFactory().get("/")
    request.path = request.path_info = raw_path  # the raw path as the server received it
    with translation.override("da"):
        return site(request)["other_language_url"]


@pytest.mark.parametrize("raw_path", NOT_LOCAL)
def test_a_path_that_is_not_local_falls_back_to_the_front_page(raw_path):
    assert _switcher_url(raw_path) == "/en/"


@pytest.mark.parametrize("raw_path", ["/\\evil.example/", "/\\/evil.example/"])
def test_a_backslash_never_becomes_a_link_to_another_host(raw_path):
    """Browsers read "/\\host" as "//host"; Django escapes the backslash (%5C), and whatever the
    switcher links to stays on this site."""
    url = _switcher_url(raw_path)
    assert url.startswith("/") and not url.startswith(("//", "/\\")) and "\\" not in url


def test_a_local_path_keeps_its_page_and_query():
    assert _switcher_url("/events/") == "/en/events/"


@pytest.mark.parametrize("raw_path", NOT_LOCAL[:2])
def test_the_404_page_for_a_protocol_relative_path_links_home(client, raw_path):
    response = client.get("/", PATH_INFO=raw_path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "evil.example" not in html.split("<main", 1)[0]  # the header, where the switcher is
    assert 'href="/en/" hreflang="en"' in html
