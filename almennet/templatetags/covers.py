"""`{% cover item "event" %}`: an event's, project's or publication's cover image in responsive
sizes (srcset), or the designed fallback for its kind when it has none.

The sizes are made by sorl-thumbnail on first view and kept in the default storage, so they
work the same on the local disk and in an S3 bucket. A cover that cannot be read (a file gone
from the storage, a damaged upload) falls back to the pattern: never a broken image.
"""

import logging

from django import template
from sorl.thumbnail import get_thumbnail

register = template.Library()
logger = logging.getLogger(__name__)

# Widths in pixels, cut to 16:9; without upscaling a small picture keeps its own size.
COVER_WIDTHS = (480, 800, 1200)
KINDS = {"event": "bi-calendar-event", "project": "bi-diagram-3", "publication": "bi-journal-text"}


def cover_sources(image) -> list:
    """The thumbnails of `image`, narrowest first, one per distinct width."""
    by_width = {}
    for width in COVER_WIDTHS:
        thumbnail = get_thumbnail(image, f"{width}x{width * 9 // 16}", crop="center")
        by_width.setdefault(thumbnail.width, thumbnail)
    return [by_width[width] for width in sorted(by_width)]


@register.inclusion_tag("includes/_cover.html")
def cover(item, kind: str, sizes: str = "100vw", eager: bool = False, css_class: str = ""):
    if kind not in KINDS:
        raise template.TemplateSyntaxError(f"cover: unknown kind {kind!r}")
    image = getattr(item, "cover_image", None)
    sources = []
    if image:
        try:
            sources = cover_sources(image)
        except Exception:  # noqa: BLE001 - any failure to read the file shows the fallback
            logger.warning("The cover of %r could not be resized", item, exc_info=True)
    return {
        "sources": sources,
        "default": sources[min(1, len(sources) - 1)] if sources else None,
        "alt": getattr(item, "cover_alt_text", ""),
        "kind": kind,
        "icon": KINDS[kind],
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }
