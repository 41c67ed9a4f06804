import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# A mail domain has at least two labels (example.dk), each of letters, digits and inner hyphens.
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def email_normalise(address: str) -> str:
    return (address or "").strip().lower()


def validate_mail_address(address: str) -> None:
    """Django's syntax check plus a real mail domain: no `user@localhost`, no `user@host.`."""
    message = _("%(address)s is not a valid email address.") % {"address": address or "''"}
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(message, code="invalid_email") from None
    domain = address.rsplit("@", 1)[1]
    if domain.startswith("["):
        raise ValidationError(message, code="invalid_email")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(message, code="invalid_email") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise ValidationError(message, code="invalid_email")
    if labels[-1].isdigit():
        raise ValidationError(message, code="invalid_email")
