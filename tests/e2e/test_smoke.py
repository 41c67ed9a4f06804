from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations


def test_front_page_is_danish_and_has_navigation(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    # The main navigation, and the account links and language in a row of their own.
    assert page.get_by_role("navigation", name="Hovedmenu").count() == 1
    assert page.get_by_role("navigation", name="Konto og sprog").count() == 1
    assert page.locator("a.skip-link").count() == 1


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Spring til indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_front_and_login_pages_have_no_serious_accessibility_violations(page):
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/en/"):
        page.goto(page.base_url + path)
        assert axe_violations(page) == [], path


def test_menu_opens_on_a_phone(phone_page):
    page = phone_page
    page.goto(page.base_url + "/")
    # Logging in stays on screen without the menu; the main links fold behind it.
    expect(page.get_by_role("link", name="Log ind")).to_be_visible()
    projects_link = page.get_by_role("link", name="Projekter", exact=True)
    expect(projects_link).to_be_hidden()
    page.get_by_role("button", name="Vis menu").click()
    expect(projects_link).to_be_visible()
