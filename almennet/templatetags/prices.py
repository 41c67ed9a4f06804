"""The one way an amount of money is written: "1.950,00 kr." on the Danish pages,
"DKK 1,950.00" under /en/; a price of nothing is "Gratis" (Free), never "0,00 kr."."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def amount_text(value, decimals: int = 2) -> str:
    """An amount in kroner the page language's way; empty for no amount."""
    amount = _decimal(value)
    if amount is None:
        return ""
    number = formats.number_format(
        amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True
    )
    if (get_language() or "da")[:2] == "en":
        return f"DKK {number}"
    return f"{number} kr."


def price_text(value) -> str:
    """What something costs: the amount, or "Gratis" for nothing."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == 0:
        return _("Free")
    return amount_text(amount)


@register.filter
def price(value) -> str:
    """{{ event.member_price|price }}: the amount with its currency, or "Gratis" for 0."""
    return price_text(value)


@register.filter
def kroner(value, decimals: int = 2) -> str:
    """{{ budget|kroner:0 }}: an amount that is not a price (a budget, a grant), 0 included."""
    return amount_text(value, decimals)
