"""A module that grows past about 600 lines becomes a package split by subject (README.md, "How
the apps fit together"); the strategy app, split into models/, admin/, selectors/ and services/
packages, keeps each module under 500."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"strategy/": 500}
DEFAULT_LIMIT = 620


def _product_modules() -> list[str]:
    tracked = subprocess.run(  # noqa: S603 - our own arguments
        ["git", "ls-files", "*.py"],  # noqa: S607 - git from PATH, as in every checkout
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        path
        for path in tracked
        if not path.startswith(("tests/", "devtools/")) and "/migrations/" not in path
    ]


def test_no_product_module_outgrows_its_limit():
    too_long = []
    for path in _product_modules():
        limit = next((n for prefix, n in LIMITS.items() if path.startswith(prefix)), DEFAULT_LIMIT)
        lines = (ROOT / path).read_text(encoding="utf-8").count("\n")
        if lines > limit:
            too_long.append(f"{path}: {lines} lines (limit {limit})")
    assert not too_long
