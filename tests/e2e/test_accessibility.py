"""axe-core on the pages people use most: no serious or critical violations.

The front page, the event list and an event's page, the sign-up form (an event's page as a
logged-in member), the knowledge-hub search with hits, the strategy page and a voting page as a
board member.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from tests.e2e.conftest import axe_violations, login, totp_code


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _content():
    event = EventFactory(title="Tryghed i boligafdelingen", slug="tryghed-i-boligafdelingen")
    EventFactory(title="Kursus i beboerdemokrati")
    PublicationFactory(title="Tryghed og trivsel i almene boliger")
    ProjectFactory(title="Tryghed i afdelingen")
    return event


def _check(page, path: str) -> None:
    page.goto(page.base_url + path)
    expect(page.locator("main")).to_be_visible()
    assert page.url.split("?")[0].endswith(path.split("?")[0]), f"{path} went to {page.url}"
    violations = axe_violations(page)
    assert violations == [], f"{path}: {violations}"


@pytest.mark.parametrize(
    "name",
    ["home", "events:list", "events:detail", "search"],
)
def test_public_pages_have_no_serious_violations(page, name):
    event = _content()
    path = reverse(name, kwargs={"slug": event.slug}) if name == "events:detail" else reverse(name)
    if name == "search":
        path += "?q=tryghed"
    _check(page, path)


def test_signup_form_has_no_serious_violations(page):
    event = _content()
    member = _verified(AffiliationFactory().user)
    login(page, email=member.email)
    page.goto(page.base_url + event.get_absolute_url())
    expect(page.locator("#signup-form")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], violations


def _strategy_path(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


def test_strategy_page_has_no_serious_violations(page):
    _check(page, _strategy_path("strategy:index"))


def test_voting_page_has_no_serious_violations(page):
    """The list of rounds and an open round's ballot, as a board member past the two-factor
    step."""
    path = _strategy_path("strategy:votes")
    from devtools.factories.strategy import (
        FocusAreaFactory,
        board_member,
        make_round,
        staff_user,
    )
    from strategy.services import round_open

    board = _verified(board_member())
    staff = staff_user()
    focus_areas = [FocusAreaFactory(title="Tryghed"), FocusAreaFactory(title="Klimatilpasning")]
    voting_round = round_open(
        voting_round=make_round(staff=staff, focus_areas=focus_areas, title="Prioritering 2026"),
        actor=staff,
    )
    login(page, email=board.email)
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    _check(page, path)
    _check(page, reverse("strategy:vote_detail", kwargs={"pk": voting_round.pk}))
