from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _


def validate_has_text(value: str) -> None:
    """A page needs words a reader can see, not only markup that sanitising may remove."""
    if not strip_tags(value or "").strip():
        raise ValidationError(_("Write the page's text."))
