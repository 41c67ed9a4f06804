"""The W3C Nu HTML Checker (the `vnu-jar` npm package, `make vnu`) finds no error on any page of
the URL map, as a visitor, a member and staff.

The pages are rendered through the test client and checked in one run of one Java process (the
checker's start-up costs more than checking all pages). Without java the test is skipped on a
developer's machine; under CI=true it fails, so a missing install step cannot hide.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from .tour import TOUR_ROLES, covers_give, tour

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or Path(settings.BASE_DIR) / "var/tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing: `make test` installs Debian's default-jre-headless.")
        pytest.skip("java is not installed: the Nu HTML Checker needs it (default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make vnu` (npm package vnu-jar).")
    return java


def vnu_errors(pages: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Check each page (name -> HTML) with one run of the checker; return its errors by name."""
    java = _java()
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        file = folder / f"page-{number:03}.html"
        file.write_bytes(html)
        files[file.name] = name
    result = subprocess.run(  # noqa: S603 - our own arguments
        [
            java,
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *[str(folder / file) for file in files],
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        where = f"line {message.get('lastLine')}: " if message.get("lastLine") else ""
        snippet = (message.get("extract") or "").strip()[:120]
        errors.setdefault(name, []).append(f"{where}{message['message']} [{snippet}]")
    return errors


def test_every_page_of_the_url_map_is_valid_html(world, tmp_path):
    covers_give(world)
    pages = {}
    for role, world_role in TOUR_ROLES.items():
        client = world.client_for(world_role)
        for path in tour(world, role):
            response = client.get(path)
            assert response.status_code == 200, f"{role} {path}: {response.status_code}"
            pages[f"{role} {path}"] = response.content
    errors = vnu_errors(pages, tmp_path)
    assert errors == {}, json.dumps(errors, indent=1, ensure_ascii=False)


def test_the_checker_finds_an_error_when_there_is_one(tmp_path):
    """The check above cannot pass by not looking: a page with the attribute the portal used to
    write on <body> is reported."""
    page = b'<!doctype html><html lang="da"><title>x</title><body hx-headers="{}"><p>x</p>'
    errors = vnu_errors({"broken": page}, tmp_path)
    assert "broken" in errors and "hx-headers" in errors["broken"][0]
