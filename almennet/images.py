"""The one check for uploaded images (organisation logos, project images, publication covers):
judged by their bytes, never by the name or content type the browser claims.

An image is accepted when its first bytes are a JPEG, PNG, WebP or GIF, Pillow can read and
verify it, it is not a decompression bomb, and it keeps to the size limits of its field.
`ImageValidator` is deconstructible, so migrations name it by its arguments and need no
import of the app that uses it.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
DEFAULT_IMAGE_MAX_BYTES = 10 * 1024 * 1024
MEGABYTE = 1024 * 1024


@deconstructible
class ImageValidator:
    """`max_bytes`: the largest file accepted (default: the IMAGE_UPLOAD_MAX_BYTES setting, else
    10 MB). `max_side`: the most pixels on either side (default: no limit but Pillow's
    decompression-bomb guard)."""

    def __init__(self, *, max_bytes: int | None = None, max_side: int | None = None):
        self.max_bytes = max_bytes
        self.max_side = max_side

    def __eq__(self, other):
        return (
            isinstance(other, ImageValidator)
            and self.max_bytes == other.max_bytes
            and self.max_side == other.max_side
        )

    def __hash__(self):
        return hash((self.max_bytes, self.max_side))

    def _max_bytes(self) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_IMAGE_MAX_BYTES)

    def __call__(self, upload) -> None:
        max_bytes = self._max_bytes()
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            raise ValidationError(
                _("The image is too large (at most %(mb)s MB)."),
                code="image_too_large",
                params={"mb": max(1, max_bytes // MEGABYTE)},
            )
        position = upload.tell() if hasattr(upload, "tell") else 0
        try:
            upload.seek(0)
            kind = filetype.guess(upload.read(262))
            if kind is None or kind.mime not in IMAGE_TYPES:
                raise ValidationError(
                    _("The file is not a JPEG, PNG, WebP or GIF image."), code="image_format"
                )
            upload.seek(0)
            try:
                with Image.open(upload) as image:
                    width, height = image.size
                    image.verify()
            except Image.DecompressionBombError as error:
                raise ValidationError(
                    _("The image has too many pixels."), code="image_pixels"
                ) from error
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
                raise ValidationError(
                    _("The image is damaged or cannot be read."), code="image_damaged"
                ) from error
        finally:
            upload.seek(position)
        if self.max_side is not None and max(width, height) > self.max_side:
            raise ValidationError(
                _("The image is too large: at most %(max)s pixels on each side."),
                code="image_dimensions",
                params={"max": self.max_side},
            )


validate_image = ImageValidator()


# --- cover images (events, projects, publications) ----------------------------------------------
# Each of those models has `cover_image` (an ImageField checked by validate_image) and
# `cover_alt_text`; a cover without its description is refused by the model and the database.
COVER_ALT_REQUIRED = _("Describe the image for people who cannot see it.")


def cover_alt_constraint(name: str):
    """The database's half of the rule: no cover image without a description."""
    from django.db import models

    return models.CheckConstraint(
        condition=models.Q(cover_image="") | ~models.Q(cover_alt_text=""),
        name=name,
        violation_error_message=COVER_ALT_REQUIRED,
    )


def cover_alt_check(instance) -> None:
    """The model's half, for forms and the admin: the error lands on the description field."""
    if instance.cover_image and not (instance.cover_alt_text or "").strip():
        raise ValidationError({"cover_alt_text": COVER_ALT_REQUIRED}, code="cover_alt_required")
