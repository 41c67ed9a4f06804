"""A newcomer on an event page creates an account, confirms the address from the mail and lands
back on the event, where the sign-up box explains the non-member price; asking to be linked to
their organisation brings them back to the event again."""

import re

from django.core import mail
from playwright.sync_api import expect

from devtools.factories.events import EventFactory
from devtools.factories.members import OrganisationFactory
from members.models import Affiliation


def test_create_account_from_an_event_and_land_back_on_it(page):
    OrganisationFactory(name="Boligselskabet Fjorden")
    event = EventFactory(title="Temadag om renovering", member_price=500, non_member_price=900)
    page.goto(page.base_url + event.get_absolute_url())
    page.locator("#signup").get_by_role("link", name="Opret en").click()
    page.fill("input[name=email]", "ny.deltager@boligselskab.dk")
    page.fill("input[name=first_name]", "Ny")
    page.fill("input[name=last_name]", "Deltager")
    page.fill("input[name=password1]", "En-lang-og-god-adgangskode-42")
    page.fill("input[name=password2]", "En-lang-og-god-adgangskode-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(page.base_url + link[link.index("/accounts/") :])
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(page.base_url + event.get_absolute_url())
    expect(page.get_by_role("heading", name="Temadag om renovering")).to_be_visible()
    expect(page.locator("#signup-form")).to_be_visible()

    # Why the non-member price, and the way to get linked, which comes back here.
    explanation = page.get_by_test_id("non-member-price")
    expect(explanation).to_contain_text("ikke-medlemspris")
    explanation.get_by_role("link", name="Bed om at blive knyttet til den").click()
    form = page.get_by_test_id("affiliation-form")
    form.locator("select[name=organisation]").select_option(label="Boligselskabet Fjorden")
    form.locator("button[type=submit]").click()
    page.wait_for_url(page.base_url + event.get_absolute_url())
    expect(page.get_by_test_id("non-member-price")).to_contain_text("Boligselskabet Fjorden")
    assert Affiliation.objects.filter(
        user__email="ny.deltager@boligselskab.dk", confirmed_at__isnull=True
    ).exists()
