"""The admin's rich-text editor (almennet/widgets.py RichTextarea, static/js/richtext.js, Quill
under static/vendor/quill): it is on the event description and the newsletter body, runs under
the portal's CSP, and whatever it posts is sanitised on save."""

import json
import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from almennet.html import sanitise_html
from devtools.factories.events import EventFactory
from newsletters.models import Newsletter
from tests.events.test_admin import _event_post_data

ROOT = Path(__file__).resolve().parents[2]

# What Quill's getSemanticHTML gives for each thing the toolbar makes (after richtext.js turns
# its &nbsp; back into spaces).
QUILL_OUTPUT = (
    "<h2>Program</h2><h3>Formiddag</h3>"
    "<p><strong>Fed</strong>, <em>kursiv</em> og <u>understreget</u> tekst</p>"
    "<ol><li>Velkomst</li><li>Rundvisning</li></ol><ul><li>Kaffe</li></ul>"
    "<blockquote>Et citat</blockquote>"
    '<p><a href="https://almennet.dk/" rel="noopener noreferrer">AlmenNet</a></p>'
)


@pytest.fixture
def staff_client(django_user_model):
    user = django_user_model.objects.create_superuser(email="staff@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "field"),
    [("admin:events_event_add", "body"), ("admin:newsletters_newsletter_add", "body")],
)
def test_the_editor_is_on_the_admin_form(staff_client, url_name, field):
    html = staff_client.get(reverse(url_name)).content.decode()
    textarea = re.search(rf'<textarea name="{field}"[^>]*>', html).group()
    labels = json.loads(
        re.search(r'data-richtext="([^"]*)"', textarea).group(1).replace("&quot;", '"')
    )
    assert labels["bold"] == "Fed"  # the buttons are named in Danish
    for asset in (
        "vendor/quill/quill.js",
        "js/richtext.js",
        "vendor/quill/quill.snow.css",
        "css/richtext.css",
    ):
        assert f"/static/{asset}" in html
    assert html.index("vendor/quill/quill.js") < html.index("js/richtext.js")


@pytest.mark.django_db
def test_other_text_fields_keep_a_plain_textarea(staff_client):
    html = staff_client.get(reverse("admin:newsletters_newsletter_add")).content.decode()
    intro = re.search(r'<textarea name="intro"[^>]*>', html).group()
    assert "data-richtext" not in intro


def test_what_the_toolbar_makes_passes_the_sanitiser_unchanged():
    assert sanitise_html(QUILL_OUTPUT) == QUILL_OUTPUT


@pytest.mark.django_db
def test_an_event_description_posted_through_the_admin_is_sanitised(staff_client):
    event = EventFactory(body="")
    url = reverse("admin:events_event_change", args=[event.pk])
    body = QUILL_OUTPUT + '<p onclick="x()">Hej</p><script>alert(1)</script><img src=x>'
    response = staff_client.post(url, _event_post_data(event, body=body))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.body == QUILL_OUTPUT + "<p>Hej</p>"


@pytest.mark.django_db
def test_a_newsletter_body_posted_through_the_admin_is_sanitised(staff_client):
    body = QUILL_OUTPUT + '<p style="color:red">Rød</p><iframe src="https://x.dk"></iframe>'
    response = staff_client.post(
        reverse("admin:newsletters_newsletter_add"),
        {"subject": "December", "slug": "december", "intro": "", "body": body},
    )
    assert response.status_code == 302
    assert Newsletter.objects.get(slug="december").body == QUILL_OUTPUT + "<p>Rød</p>"


def test_the_scripts_need_no_inline_script_no_eval_and_no_inline_style():
    csp = settings.SECURE_CSP
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive]
        assert "'unsafe-eval'" not in csp[directive]
    ours = (ROOT / "static/js/richtext.js").read_text()
    assert "eval(" not in ours and "new Function" not in ours and "innerHTML" not in ours
    quill = (ROOT / "static/vendor/quill/quill.js").read_text()
    assert "eval(" not in quill
    # The bundle's one `new Function` is webpack's fallback for browsers without globalThis.
    assert quill.count("new Function") == 1
    assert 'typeof globalThis)return globalThis;try{return this||new Function("return this")' in (
        quill
    )
