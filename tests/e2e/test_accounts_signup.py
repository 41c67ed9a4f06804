"""A newcomer signs up, confirms the address from the mail, logs in and sees Danish."""

import re

from django.core import mail
from playwright.sync_api import expect


def test_sign_up_verify_log_in_and_see_the_danish_front_page(page):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Opret konto").first.click()
    page.fill("input[name=email]", "ny.bruger@boligselskab.dk")
    page.fill("input[name=first_name]", "Ny")
    page.fill("input[name=last_name]", "Bruger")
    page.fill("input[name=password1]", "En-lang-og-god-adgangskode-42")
    page.fill("input[name=password2]", "En-lang-og-god-adgangskode-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link[link.index("/accounts/") :]
    page.goto(page.base_url + path)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()

    # Confirming logs the person in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION); log out and in again.
    page.get_by_role("button", name="Log ud").click()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", "ny.bruger@boligselskab.dk")
    page.fill("input[name=password]", "En-lang-og-god-adgangskode-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(page.base_url + "/")

    assert page.locator("html").get_attribute("lang") == "da"
    expect(page.get_by_role("heading", name="Næste arrangementer")).to_be_visible()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
