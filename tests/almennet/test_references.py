"""Comments and docs cite only files the repository has (some cited DESIGN.md and STYLE.md,
which it does not: a reader could not follow them)."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "vendor", "node_modules", ".git", "locale_vendor"}
SUFFIXES = {".py", ".html", ".js", ".txt", ".toml", ".md", ".cfg", ".yaml", ".yml"}
CITED = re.compile(r"(?<![\w/.-])([\w./-]+\.md)\b")


def _sources():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIP]
        for name in files:
            path = Path(folder) / name
            if path == Path(__file__):
                continue  # this file names the missing ones on purpose
            if path.suffix in SUFFIXES or name == "Makefile":
                yield path


def _missing(path: Path) -> list[str]:
    text = path.read_text(errors="replace")
    return [
        name
        for name in CITED.findall(text)
        if not (ROOT / name).exists() and not (path.parent / name).exists()
    ]


def test_every_cited_markdown_file_exists():
    missing = {
        str(path.relative_to(ROOT)): names for path in _sources() if (names := _missing(path))
    }
    assert missing == {}


def test_the_check_sees_a_missing_file(tmp_path):
    source = tmp_path / "x.py"
    source.write_text('"""As DESIGN.md says; see README.md."""\n')
    assert _missing(source) == ["DESIGN.md"]
