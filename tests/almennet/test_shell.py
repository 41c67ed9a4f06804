"""Members' pages put together from a shell shared per kind of viewer (almennet.shell): every
member gets their own part, their own messages and their own CSRF token, never another's."""

import re

import pytest
from django.test import Client

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, staff_with_totp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def _browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _clean(page: str) -> bool:
    return "--csrf-token--" not in page and "<!-- content -->" not in page


def test_my_page_from_the_shell_is_each_members_own_and_its_forms_post(page_cache):
    first = AffiliationFactory(user__first_name="Astrid", user__last_name="Holm").user
    second = AffiliationFactory(user__first_name="Bent", user__last_name="Lund").user
    _browser(first).get("/en/members/me/")  # builds the shell
    browser = _browser(second)
    page = browser.get("/en/members/me/").content.decode()
    assert _clean(page) and "Hello Bent Lund." in page and "Astrid" not in page
    answer = browser.post(
        "/en/members/me/",
        {
            "csrfmiddlewaretoken": _token(page),
            "first_name": "Bente",
            "last_name": "Lund",
            "phone": "",
            "job_title": "",
            "language": "en",
        },
    )
    assert answer.status_code == 302
    page = browser.get("/en/members/me/").content.decode()
    assert "Hello Bente Lund." in page
    assert 'class="messages"' in page  # the "profile saved" message, once
    assert 'class="messages"' not in browser.get("/en/members/me/").content.decode()


def test_my_registrations_from_the_shell_are_each_members_own(page_cache):
    first, second = AffiliationFactory().user, AffiliationFactory().user
    RegistrationFactory(user=first, event=EventFactory(title="Astrids kursus"))
    RegistrationFactory(user=second, event=EventFactory(title="Bents seminar"))
    assert "Astrids kursus" in _browser(first).get("/en/events/mine/").content.decode()
    page = _browser(second).get("/en/events/mine/").content.decode()
    assert _clean(page) and "Bents seminar" in page and "Astrids kursus" not in page


def test_the_front_page_shell_carries_each_browsers_own_token(page_cache):
    first, second = AffiliationFactory().user, AffiliationFactory().user
    one = _browser(first).get("/en/").content.decode()
    browser = _browser(second)
    other = browser.get("/en/").content.decode()
    assert _clean(other) and _token(one) != _token(other)
    # the log-out form in the header posts with the token the page carried
    assert (
        browser.post("/en/accounts/logout/", {"csrfmiddlewaretoken": _token(other)}).status_code
        == 302
    )


def test_staff_and_query_strings_get_the_page_rendered_whole(page_cache):
    from django.test import RequestFactory

    from almennet.shell import uses_shell

    request = RequestFactory().get("/en/members/me/")
    request.user = staff_with_totp()
    assert not uses_shell(request)
    request.user = AffiliationFactory().user
    assert uses_shell(request)
    request = RequestFactory().get("/en/members/me/?next=/en/events/")
    request.user = AffiliationFactory().user
    assert not uses_shell(request)
