"""Where apps above events plug into it without events importing them.

invoicing knows which registrations have been invoiced; events asks through here before it
changes the price of a sign-up (events/pricing.py).
"""

from collections.abc import Callable, Iterable

_invoiced_checks: dict[str, Callable[[list[int]], Iterable[int]]] = {}


def register_invoiced_check(key: str, check: Callable[[list[int]], Iterable[int]]) -> None:
    """`check(registration_ids)` returns the ids among them that are on an invoice."""
    _invoiced_checks[key] = check


def registrations_invoiced(registration_ids: list[int]) -> set[int]:
    invoiced: set[int] = set()
    if not registration_ids:
        return invoiced
    for key in sorted(_invoiced_checks):
        invoiced.update(_invoiced_checks[key](registration_ids))
    return invoiced
