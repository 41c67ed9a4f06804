"""The one way a price is written: "1.950,00 kr." in Danish ("DKK 1,950.00" in English), and
"Gratis" (Free) for nothing, never "0,00 kr."."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


def price_text(value) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    if amount == 0:
        return _("Free")
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("%(amount)s kr.") % {"amount": number}


@register.filter
def price(value) -> str:
    """{{ event.member_price|price }}: the amount with its currency, or "Gratis" for 0."""
    return price_text(value)
