"""Amounts in Danish kroner written the page language's way: "1.500,00 kr." on the Danish
pages, "DKK 1,500.00" under /en/."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language

register = template.Library()


@register.filter
def kroner(amount, decimals: int = 2) -> str:
    """`{{ price|kroner }}` with øre, `{{ budget|kroner:0 }}` in whole kroner; empty for no
    amount."""
    if amount is None or amount == "":
        return ""
    try:
        Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    number = floatformat(amount, f"{int(decimals)}g")
    if (get_language() or "da")[:2] == "en":
        return f"DKK {number}"
    return f"{number} kr."
