"""Checks for the numbers and files an organisation carries.

CVR numbers use the Danish business register's modulus-11 check; EAN (GLN) numbers, which
public-sector members are invoiced by, use the GS1 check digit. A logo is checked by its
content with Pillow, not by its file name.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def cvr_is_valid(value: str) -> bool:
    if len(value) != 8 or not value.isascii() or not value.isdigit() or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def gs1_check_digit(digits: str) -> int:
    """The GS1 check digit for the digits before it (weights 3, 1, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def ean_is_valid(value: str) -> bool:
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        return False
    return gs1_check_digit(value[:12]) == int(value[12])


def validate_cvr(value: str) -> None:
    if not value:
        return
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("A CVR number is exactly 8 digits (you entered “%(value)s”)."),
            code="cvr_format",
            params={"value": value},
        )
    if not cvr_is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid CVR number: the check digit does not match."),
            code="cvr_checksum",
            params={"value": value},
        )


def validate_ean(value: str) -> None:
    if not value:
        return
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("An EAN number is exactly 13 digits (you entered “%(value)s”)."),
            code="ean_format",
            params={"value": value},
        )
    if not ean_is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid EAN number: the check digit does not match."),
            code="ean_checksum",
            params={"value": value},
        )


def validate_logo(file) -> None:
    """A logo must be a real PNG, JPEG, GIF or WebP image of at most 2 MB and 4000 pixels
    a side, whatever its file name claims."""
    from PIL import Image, UnidentifiedImageError

    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(max)s MB."),
            code="logo_too_large",
            params={"max": LOGO_MAX_BYTES // (1024 * 1024)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo is not an image we can read. Upload a PNG, JPEG, GIF or WebP file."),
            code="logo_not_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("The logo must be a PNG, JPEG, GIF or WebP image."), code="logo_format"
        )
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _("The logo is too large: at most %(max)s pixels on each side."),
            code="logo_dimensions",
            params={"max": LOGO_MAX_PIXELS},
        )
