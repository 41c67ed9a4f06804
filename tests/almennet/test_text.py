"""Danish slugs: one function on the server (almennet/text.py) and the same spelling in the
admin's slug suggestion (static/js/danish-slugs.js)."""

import json
import shutil
import subprocess
from pathlib import Path

import django
import pytest
import tablib
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from almennet.text import DANISH_LETTERS, danish_slugify

ROOT = Path(__file__).resolve().parents[2]
URLIFY = Path(django.__file__).parent / "contrib/admin/static/admin/js/urlify.js"
DANISH_SLUGS_JS = ROOT / "static/js/danish-slugs.js"
TITLES = [
    "Fællesskab på Ærø",
    "Grøn omstilling i Århus",
    "ÆØÅ æøå",
    "Boligselskabet Nordhavn",
    "Tryghed & trivsel: 2026",
]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Fællesskab på Ærø", "faellesskab-paa-aeroe"),
        ("Grøn omstilling i Århus", "groen-omstilling-i-aarhus"),
        ("ÆØÅ", "aeoeaa"),
        ("  Tryghed & trivsel  ", "tryghed-trivsel"),
        ("", ""),
        (None, ""),
    ],
)
def test_danish_slugify_spells_out_the_danish_letters(text, slug):
    assert danish_slugify(text) == slug


@pytest.mark.django_db
def test_organisation_import_spells_danish_letters_in_the_slug():
    from members.models import Organisation
    from members.resources import OrganisationResource

    data = tablib.Dataset().load(
        "name,kind,homes,municipality,region\nÆrø Boligselskab,housing,300,Ærø,syddanmark\n",
        format="csv",
    )
    result = OrganisationResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organisation.objects.get().slug == "aeroe-boligselskab"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_admin_suggests_the_same_slug_as_the_server():
    """Django's urlify.js with static/js/danish-slugs.js loaded after it, run by node as the
    admin page runs it, gives the slug danish_slugify gives (Django's alone gives
    "faellesskab-pa-aero")."""
    script = f"""
        const fs = require("fs");
        globalThis.window = globalThis;
        eval(fs.readFileSync({json.dumps(str(URLIFY))}, "utf8"));
        const plain = TITLES.map((t) => window.URLify(t, 200, false));
        eval(fs.readFileSync({json.dumps(str(DANISH_SLUGS_JS))}, "utf8"));
        const danish = TITLES.map((t) => window.URLify(t, 200, false));
        console.log(JSON.stringify({{plain, danish}}));
    """
    result = subprocess.run(  # noqa: S603 - node with our own script
        [shutil.which("node"), "-e", f"const TITLES = {json.dumps(TITLES)};\n{script}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    slugs = json.loads(result.stdout)
    assert slugs["danish"] == [danish_slugify(title) for title in TITLES]
    assert slugs["plain"][0] == "faellesskab-pa-aero"  # what the script is there to change


def test_the_script_and_the_server_share_one_table():
    text = DANISH_SLUGS_JS.read_text()
    for letter, spelled in DANISH_LETTERS.items():
        assert f'{letter}: "{spelled}"' in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_organisation_add",
        "admin:events_event_add",
        "admin:projects_project_add",
        "admin:publications_publication_add",
        "admin:publications_tag_add",
        "admin:strategy_trend_add",
        "admin:strategy_focusarea_add",
        "admin:newsletters_newsletter_add",
    ],
)
def test_every_admin_with_a_suggested_slug_loads_the_script_after_urlify(
    django_user_model, url_name
):
    user = django_user_model.objects.create_superuser(email="admin@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    html = client.get(reverse(url_name)).content.decode()
    assert "admin/js/urlify.js" in html
    assert html.index("admin/js/urlify.js") < html.index("js/danish-slugs.js")
