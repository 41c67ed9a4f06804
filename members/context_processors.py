from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject

from almennet.page_cache import CONTENT, shared

from .selectors import member_figures


def _figures() -> dict:
    # Kept under the page cache's content version: any saved change to an organisation moves
    # it, so the figures are never older than the last commit.
    figures = shared("member-figures", member_figures, on=(CONTENT,))
    return {**figures, "homes_display": number_format(figures["homes"], force_grouping=True)}


def association_figures(request):
    """`member_figures`: count, homes and homes_display (grouped the page language's way,
    "464.000" or "464,000"), read only by a page that prints them."""
    return {"member_figures": SimpleLazyObject(_figures)}
