"""Danish must show on a fresh machine: every catalogue is translated and compiled."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Copies outside the source (a virtualenv, setuptools' build/, run-time files) are not ours.
NOT_SOURCE = {".venv", "build", "dist", "var", "node_modules"}
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/da/LC_MESSAGES/django.po")
    if not NOT_SOURCE & set(p.relative_to(ROOT).parts)
)


def _parse_po(path: Path) -> list[dict]:
    """A small .po reader: msgctxt/msgid/msgid_plural/msgstr[n] and the fuzzy flag."""
    entries, entry, key = [], {}, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_there_are_catalogues():
    assert any(p.parent.parent.parent.parent == ROOT for p in CATALOGUES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_fully_translated_and_compiled(po_path):
    entries = _parse_po(po_path)
    untranslated = [
        e["msgid"] for e in entries if e.get("fuzzy") or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert not untranslated, f"untranslated or fuzzy in {po_path}: {untranslated[:10]}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        if "msgid_plural" in entry:
            continue
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            got = compiled.pgettext(entry["msgctxt"], msgid)
        else:
            got = compiled.gettext(msgid)
        assert got == entry["msgstr"], f"{mo_path} is stale for {msgid!r}: run `make messages`"


def test_one_msgid_has_one_danish_translation_across_catalogues():
    """Django looks a msgid up in LOCALE_PATHS first, then the apps in INSTALLED_APPS order, and
    takes the first translation it finds: the same English word translated two ways in two
    catalogues shows the wrong one somewhere (an event's "Sign up" button once said "Create
    account"). Words that mean different things get a context (pgettext)."""
    seen: dict[tuple, tuple[Path, str]] = {}
    clashes = []
    for po_path in CATALOGUES:
        for entry in _parse_po(po_path):
            if "msgid_plural" in entry:
                continue
            key = (entry.get("msgctxt"), entry["msgid"])
            if key in seen and seen[key][1] != entry["msgstr"]:
                clashes.append((key, seen[key], (po_path.relative_to(ROOT), entry["msgstr"])))
            seen.setdefault(key, (po_path.relative_to(ROOT), entry["msgstr"]))
    assert not clashes, clashes
