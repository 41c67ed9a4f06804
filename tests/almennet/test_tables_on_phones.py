"""Every data table in the portal's pages scrolls inside its own wrapper, so a table wider
than a phone (390 px) never widens the whole page."""

import re
from pathlib import Path

from django.conf import settings

TABLE = re.compile(r'<table\b(?![^>]*role="presentation")[^>]*>')
WRAPPER = re.compile(r'<div class="table-responsive[^"]*">\s*$')


def _page_templates():
    root = Path(settings.BASE_DIR)
    for path in root.glob("*/templates/**/*.html"):
        if ".venv" in path.parts or "mail" in path.as_posix().split("templates/", 1)[1]:
            continue  # mail bodies lay out with tables on purpose
        yield root, path
    for path in (root / "templates").glob("**/*.html"):
        yield root, path


def test_every_table_sits_in_a_scrolling_wrapper():
    unwrapped = []
    for root, path in _page_templates():
        text = path.read_text()
        for match in TABLE.finditer(text):
            if not WRAPPER.search(text[: match.start()]):
                line = text.count("\n", 0, match.start()) + 1
                unwrapped.append(f"{path.relative_to(root)}:{line}")
    assert unwrapped == []
