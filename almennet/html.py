"""Rich text written by staff (event descriptions, projects, publications, newsletters): one
allow-list and one sanitiser for all of it, applied before the text is stored.

Kept: simple formatting, headings, lists, quotes, tables and links (http, https, mailto; with
rel="noopener noreferrer"). Dropped: scripts and styles with their content, event handlers,
style attributes, images, frames and every other tag or attribute.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "span", "a",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str | None, *, base_url: str | None = None) -> str:
    """The allowed part of `html`. With `base_url` (for mail, read away from the site),
    relative links become absolute."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        url_relative=("rewrite_with_base", base_url.rstrip("/") + "/") if base_url else None,
    )
