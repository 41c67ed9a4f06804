"""The header holds for everyone: a usable search box beside the staff's extra link at
1280 px, and every link reachable at every width for visitors, members and staff."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, totp_code

MAIN_LINKS = ["Arrangementer", "Projekter", "Publikationer", "Strategi", "Medlemmer"]
ACCOUNT_LINKS = {
    "visitor": ["Log ind", "Opret konto", "English"],
    "member": ["Min side", "Log ud", "English"],
    "staff": ["Min side", "Administration", "Log ud", "English"],
}
WIDTHS = [1280, 1200, 992, 768, 390, 320]


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _as(page, who: str) -> None:
    from devtools.factories.members import member_user
    from devtools.factories.strategy import staff_user

    if who == "member":
        login(page, email=_verified(member_user()).email)
    elif who == "staff":
        staff = _verified(staff_user())
        login(page, email=staff.email)
        page.fill("input[name=code]", totp_code())
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/2fa/" not in url and "/mfa/" not in url)


def _search_width(page) -> float:
    return page.locator("#site-search").bounding_box()["width"]


def test_staff_keep_a_usable_search_box_at_1280_px(page):
    _as(page, "staff")
    page.goto(page.base_url + "/")
    header = page.locator("header.site-header")
    expect(header.get_by_role("link", name="Administration")).to_be_visible()
    search = page.locator("#site-search")
    expect(search).to_be_visible()
    # It used to shrink to about 25 px beside the "Administration" link.
    assert _search_width(page) >= 200
    # Everything on one row: the search box sits level with the main links.
    links_box = header.get_by_role("link", name="Medlemmer").bounding_box()
    search_box = search.bounding_box()
    assert (
        abs(
            (links_box["y"] + links_box["height"] / 2)
            - (search_box["y"] + search_box["height"] / 2)
        )
        < 20
    )
    search.fill("renovering")
    search.press("Enter")
    page.wait_for_url("**/search/?q=renovering")


@pytest.mark.parametrize("who", ["visitor", "member", "staff"])
def test_every_header_link_is_reachable_at_every_width(page, who):
    _as(page, who)
    page.goto(page.base_url + "/")
    header = page.locator("header.site-header")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(page.base_url + "/")
        toggler = header.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            expect(header.locator("#main-nav")).to_be_visible()
        for name in MAIN_LINKS:
            link = header.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            expect(link).to_be_in_viewport()
        for name in ACCOUNT_LINKS[who]:
            control = header.get_by_role("link", name=name).or_(
                header.get_by_role("button", name=name)
            )
            expect(control).to_be_visible()
            expect(control).to_be_in_viewport()
        search = header.locator("#site-search")
        expect(search).to_be_visible()
        assert _search_width(page) >= 150, (who, width, _search_width(page))
        # Nothing in the header is wider than the screen.
        assert (
            page.evaluate("() => document.querySelector('header.site-header').scrollWidth") <= width
        ), (who, width)
