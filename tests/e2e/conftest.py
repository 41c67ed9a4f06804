"""Browser tests: Playwright for Python driving Debian's Chromium against Django's live server.

Playwright never downloads a browser here; it launches /usr/bin/chromium. Without Chromium the
browser tests are skipped locally, but CI (CI=true) fails instead, so a missing install step
cannot hide.
"""

import os
import shutil
from types import SimpleNamespace

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium."
            )
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        locale="da-DK", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, *, email: str, password: str = "correct horse battery staple") -> None:
    """Log in through the real allauth form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# The live server runs in this process, so the moment allauth checks a TOTP code against can be
# fixed: a code made for it is valid however slowly a loaded machine gets to the form (a code
# made from the wall clock failed when the 30-second step turned between making and checking).
TOTP_NOW = 1_800_000_010


@pytest.fixture(autouse=True)
def _fixed_totp_clock(monkeypatch):
    from allauth.mfa.totp.internal import auth

    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: TOTP_NOW))


def totp_code(secret: str | None = None) -> str:
    """The code an authenticator app shows at TOTP_NOW (the factories' secret by default)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from devtools.factories.strategy import TOTP_SECRET

    return format_hotp_value(
        hotp_value(secret or TOTP_SECRET, TOTP_NOW // app_settings.TOTP_PERIOD)
    )


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (vendored from npm under static/vendor/axe-core) on the current page and
    return the violations of the given impacts, each with its rule id and offending targets."""
    # Judge the page at rest: no pointer hovering the last clicked control, no focus ring, no
    # colour transition half-way (axe would measure the contrast of an in-between colour).
    page.mouse.move(0, 0)
    page.evaluate(
        "() => { if (document.activeElement) document.activeElement.blur();"
        " document.getAnimations().forEach((a) => a.finish()); }"
    )
    # Loaded from the portal's own origin, which the Content Security Policy allows.
    page.add_script_tag(url=page.base_url + "/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
