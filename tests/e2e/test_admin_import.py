"""The secretariat imports organisations in the admin (Chromium, 1280 px): Danish headers and
names are read, a row's error is readable in the row without hovering, and a file with every
column scrolls inside its table instead of widening the page."""

from allauth.mfa.models import Authenticator
from django.test import Client
from playwright.sync_api import expect

from devtools.factories.members import UserFactory

HEADERS = (
    "Navn,Kort navn,Type,Almene boliger,Kommune,Region,Hjemmeside,CVR-nummer,EAN-nummer,"
    "Medlem siden,Fakturakontakt,Fakturakontaktens e-mail"
)
ROWS = [
    "Boligforeningen Kærholm,BK,Boligorganisation,2400,Aalborg,Region Nordjylland,"
    "https://kaerholm.example.dk/,10150817,4006381333931,2011-01-01,Bogholderiet,"
    "faktura-med-en-meget-lang-adresse@kaerholm-boligforening.example.dk",
    "Forkert Bolig,FB,Boligorganisation,100,Odense,Region Syddanmark,,10150818,,,,",
]


def _log_in_to_admin(page):
    user = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def test_import_errors_show_in_the_row_and_the_preview_keeps_the_page_width(page, tmp_path):
    csv = tmp_path / "organisationer.csv"
    csv.write_text("\n".join([HEADERS, *ROWS]) + "\n", encoding="utf-8")
    _log_in_to_admin(page)

    page.goto(page.base_url + "/admin/members/organisation/import/")
    page.set_input_files("input[name=import_file]", str(csv))
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("#content form input[type=submit]").click()

    error = page.locator(".import-preview .validation-error-container").first
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("kontrolciffer")
    assert error.evaluate("element => getComputedStyle(element).opacity") == "1"
    expect(page.locator(".import-preview th", has_text="CVR-nummer")).to_be_visible()

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
