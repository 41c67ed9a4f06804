"""Staff-written newsletter HTML: what survives sanitising, and its plain-text twin."""

import re
from html.parser import HTMLParser

from almennet.html import sanitise_html


def newsletter_body_clean(html: str, *, base_url: str | None = None) -> str:
    """Staff HTML reduced to what a mail and the archive can show safely: the portal's one
    allow-list (almennet/html.py). With `base_url` (for mail), relative links become absolute."""
    return sanitise_html(html, base_url=base_url)


# Tags that start and end a paragraph of their own in the text part.
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table", "hr",
    "pre", "section", "article", "header", "footer",
}  # fmt: skip
_LINES = {"tr", "br"}
_SKIPPED = {"script", "style", "head", "title"}
_PARAGRAPH = "\x00P"  # markers, resolved after whitespace is collapsed
_LINE = "\x00L"
_INDENT = "\x00I"


class _TextWriter(HTMLParser):
    """HTML as a mail's plain-text part: paragraphs and headings separated by a blank line,
    each list item on a line of its own ("- " or "1. "), links as "text (address)"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, items so far]
        self.links: list[tuple[str, int]] = []  # per open link: (href, index of its text)
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in {"ul", "ol"}:
            self.parts.append(_LINE if self.lists else _PARAGRAPH)  # nested: no blank line
            self.lists.append([tag == "ol", 0])
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINES:
            self.parts.append(_LINE)
        elif tag == "li":
            ordered, number = self.lists[-1] if self.lists else (False, 0)
            if self.lists:
                self.lists[-1][1] += 1
            indent = _INDENT * max(len(self.lists) - 1, 0)
            bullet = f"{number + 1}. " if ordered else "- "
            self.parts += [_LINE, indent + bullet]
        elif tag in {"td", "th"}:
            self.parts.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in {"ul", "ol"}:
            if self.lists:
                self.lists.pop()
            self.parts.append(_LINE if self.lists else _PARAGRAPH)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag in {"li", "tr"}:
            self.parts.append(_LINE)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            target = href.removeprefix("mailto:")
            if href and target != label:
                self.parts.append(f" ({target})")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html or "")
    writer.close()
    # Whitespace in HTML is one space wherever it is; then the markers become line breaks.
    text = re.sub(r"\s+", " ", "".join(writer.parts))
    # A run of breaks is a blank line if any of them ends a paragraph, else one line break.
    text = re.sub(
        r"(?: ?\x00[PL])+ ?",
        lambda run: "\n\n" if _PARAGRAPH in run.group() else "\n",
        text,
    )
    text = text.replace(_INDENT, "  ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()
