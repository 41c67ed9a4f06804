import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_front_page_is_danish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Næste arrangementer" in html
    assert "Spring til indhold" in html


@pytest.mark.django_db
def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_favicon(client):
    # Without a <link rel="icon"> every browser asked for /favicon.ico and got a 404 on each page.
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert match and finders.find(match.group(1))


@pytest.mark.django_db
def test_front_page_in_english_under_en(client):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Next events" in html


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page_in_the_other_language(client):
    assert 'href="/en/?q=x" hreflang="en"' in client.get("/?q=x").content.decode()
    assert 'href="/" hreflang="da"' in client.get("/en/").content.decode()


@pytest.mark.django_db
def test_language_endpoint_still_switches(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_front_page_has_landmarks_and_skip_link(client):
    html = client.get("/").content.decode()
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_security_headers_and_strict_csp(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


TEMPLATES = sorted(
    p
    for p in ROOT.glob("**/templates/**/*.html")
    # Copies outside the source (a virtualenv, setuptools' build/, run-time files) are not ours.
    if not {".venv", "build", "dist", "var", "node_modules"} & set(p.relative_to(ROOT).parts)
    and "mail" not in p.name
    and "/mail/" not in str(p)
    and "outbox" not in p.parts  # mail templates: inline CSS for mail clients
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_or_style(template):
    """The Content Security Policy forbids inline code; this finds it before a browser does.
    (Mail templates are exempt: mail clients need inline styles and run no scripts.)"""
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), f"inline <script> in {template}"
    assert not INLINE_STYLE.search(text), f"inline style in {template}"
    assert not INLINE_HANDLER.search(text), f"inline event handler in {template}"
