"""Staff-written newsletter HTML: what survives sanitising, and its plain-text twin."""

from html import unescape

import nh3

BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "b", "em", "i", "blockquote",
    "hr",
}  # fmt: skip


def newsletter_body_clean(html: str, *, base_url: str | None = None) -> str:
    """Reduce staff HTML to what a mail and the archive can show safely (no scripts, styles,
    event handlers, images or foreign schemes). With `base_url` (for mail), relative links
    become absolute."""
    return nh3.clean(
        html or "",
        tags=BODY_TAGS,
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        url_relative=("rewrite_with_base", base_url.rstrip("/") + "/") if base_url else None,
    )


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
