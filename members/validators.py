"""Checks for the numbers and files an organisation carries.

CVR numbers use the Danish business register's modulus-11 check; EAN (GLN) numbers, which
public-sector members are invoiced by, use the GS1 check digit. A logo is checked by its
content (almennet/images.py), not by its file name.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from almennet.images import ImageValidator

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000


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


# A logo: the portal's image check (almennet/images.py) with a logo's limits.
validate_logo = ImageValidator(max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_PIXELS)
