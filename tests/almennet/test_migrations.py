"""Migrations stand alone: they import Django, the standard library, third-party packages and
the shared helpers in almennet/, never a portal app's module. A migration that imported, say,
members.models would break when that code moves, and would run today's code instead of the
code of its day."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# almennet/ is the bottom layer: settings and small shared helpers that name no app.
ALLOWED_FIRST_PARTY = {"almennet"}


def _first_party_packages() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py")}


def _migration_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/migrations/[0-9]*.py"))


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            modules.add("." * node.level + (node.module or ""))  # relative: inside an app
    return modules


def _app_imports(path: Path) -> list[str]:
    forbidden = _first_party_packages() - ALLOWED_FIRST_PARTY
    return sorted(
        module
        for module in _imported_modules(path)
        if module.startswith(".") or module.split(".")[0] in forbidden
    )


def test_the_scan_sees_every_migration_and_every_app():
    assert len(_migration_files()) >= 15
    assert {"members", "events", "projects", "publications", "strategy"} <= (
        _first_party_packages() - ALLOWED_FIRST_PARTY
    )


def test_the_scan_catches_an_app_import(tmp_path):
    """The check itself: the imports members/0003 and publications/0002 used to have."""
    bad = tmp_path / "0009_bad.py"
    bad.write_text(
        "import projects.content\n"
        "from django.db import migrations\n\n"
        "def forwards(apps, schema_editor):\n"
        "    from members.groups import groups_sync\n"
        "    from .helpers import x\n"
    )
    assert _app_imports(bad) == [".helpers", "members.groups", "projects.content"]


@pytest.mark.parametrize(
    "path", _migration_files(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}"
)
def test_migration_imports_no_app_code(path):
    assert _app_imports(path) == [], f"{path.relative_to(ROOT)} imports app code"
