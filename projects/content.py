"""Content rules shared by the knowledge hub (projects here, publications import them):
rich text is sanitised before it is stored, images are checked by what they contain, and
linked content gets addresses that never break a page."""

import filetype
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "a", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
DEFAULT_IMAGE_MAX_BYTES = 10 * 1024 * 1024


def sanitise_html(html: str) -> str:
    """Keep simple formatting and links; drop scripts, styles, event handlers and unsafe URLs."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def validate_image(upload) -> None:
    """An image is accepted when its bytes are a JPEG, PNG, WebP or GIF that Pillow can read,
    whatever its name says."""
    max_bytes = getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_IMAGE_MAX_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The image is too large (at most %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(262)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in IMAGE_TYPES:
            raise ValidationError(_("The file is not a JPEG, PNG, WebP or GIF image."))
        upload.seek(0)
        try:
            with Image.open(upload) as image:
                image.verify()
        except Image.DecompressionBombError as error:
            raise ValidationError(_("The image has too many pixels.")) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(_("The image is damaged or cannot be read.")) from error
    finally:
        upload.seek(position)


def with_page_urls(related: dict[str, list]) -> dict[str, list]:
    """Give every linked item a `page_url` ("" where its app has no page for it yet), so a
    template never breaks on a detail page that does not exist."""
    for items in related.values():
        for item in items:
            try:
                item.page_url = item.get_absolute_url()
            except NoReverseMatch:
                item.page_url = ""
    return related
