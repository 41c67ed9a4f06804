"""What invoicing shows on members' pages, registered in members.registry."""

from . import selectors


def organisation_panel_context(*, organisation, user=None) -> dict | None:
    if user is None or not (
        selectors.user_is_invoice_staff(user=user)
        or selectors.user_represents(user=user, organisation=organisation)
    ):
        return None
    return {"invoices": selectors.organisation_invoices(organisation=organisation)}


def my_page_panel_context(*, user) -> dict | None:
    if not user.is_authenticated:
        return None
    rows = selectors.user_registration_billing(user=user)
    if not rows:
        return None
    return {"rows": rows}


def personal_data_export(user) -> list[dict]:
    """Invoices addressed to the person. They are kept when the account is deleted (the
    bookkeeping act requires five years); the link to the account is then cleared."""
    from .models import Invoice

    return [
        {
            "number": invoice.display_number,
            "kind": invoice.kind,
            "event": invoice.event.title,
            "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
            "total": str(invoice.total_amount),
            "status": invoice.status,
        }
        for invoice in Invoice.objects.issued().filter(person=user).select_related("event")
    ]


def registrations_invoiced(registration_ids: list[int]) -> set[int]:
    """Which of these registrations are on an invoice (a draft included): events leaves their
    price alone."""
    from .models import InvoiceLine

    return set(
        InvoiceLine.objects.filter(registration_id__in=registration_ids).values_list(
            "registration_id", flat=True
        )
    )
