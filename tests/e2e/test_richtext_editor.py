"""The secretariat writes an event description with the admin's rich-text editor (Quill,
static/js/richtext.js) under the portal's Content Security Policy: bold text typed in the
editor is saved as <strong>, nothing is blocked by the CSP, and the public page shows it."""

import re

from allauth.mfa.models import Authenticator
from django.test import Client
from playwright.sync_api import expect

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from events.models import Event

# Collects what the browser's CSP blocks on the page (added before any page script runs).
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _log_in_to_admin(page, user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def test_bold_text_typed_in_the_admin_editor_is_saved_and_shown(page):
    event = EventFactory(title="Boligsocialt seminar", body="<p>Velkommen.</p>")
    _log_in_to_admin(page, UserFactory(is_staff=True, is_superuser=True))
    page.add_init_script(CSP_WATCH)
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))

    page.goto(f"{page.base_url}/admin/events/event/{event.pk}/change/")
    editor = page.locator(".richtext .ql-editor")
    expect(editor).to_be_visible(timeout=30_000)
    expect(editor).to_contain_text("Velkommen.")
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    expect(page.get_by_role("button", name="Fed")).to_be_visible()

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Fed").click()
    page.keyboard.type("Husk madpakke")
    page.get_by_role("button", name="Fed").click()
    page.keyboard.type(" og godt humør")
    expect(editor.locator("strong")).to_have_text("Husk madpakke")

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible(timeout=30_000)

    event.refresh_from_db()
    assert event.body == ("<p>Velkommen.</p><p><strong>Husk madpakke</strong> og godt humør</p>"), (
        event.body
    )
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in console_errors if re.search("Content Security Policy", e)]

    # The editor opens again on what was saved, and the public page shows the bold text.
    expect(page.locator(".richtext .ql-editor strong")).to_have_text("Husk madpakke")
    page.goto(page.base_url + Event.objects.get(pk=event.pk).get_absolute_url())
    expect(page.locator("main strong", has_text="Husk madpakke")).to_be_visible()
