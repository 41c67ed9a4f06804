"""Staff-written newsletter HTML: what survives sanitising, and its plain-text twin."""

from html import unescape

import nh3

from almennet.html import sanitise_html


def newsletter_body_clean(html: str, *, base_url: str | None = None) -> str:
    """Staff HTML reduced to what a mail and the archive can show safely: the portal's one
    allow-list (almennet/html.py). With `base_url` (for mail), relative links become absolute."""
    return sanitise_html(html, base_url=base_url)


def html_to_text(html: str) -> str:
    text = nh3.clean(html or "", tags={"p", "br", "li", "h2", "h3", "h4"})
    text = text.replace("<br>", "\n").replace("<li>", "\n- ")
    for tag in ("</p>", "</h2>", "</h3>", "</h4>"):
        text = text.replace(tag, "\n\n")
    text = unescape(nh3.clean(text, tags=set()))
    lines = [line.strip() for line in text.splitlines()]
    # Collapse runs of blank lines to one.
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
