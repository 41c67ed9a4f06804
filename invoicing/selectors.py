"""Reads of invoices: who may see which, and what a person's registrations cost and owe."""

from django.db.models import Q

from events.models import Registration
from events.selectors import REGISTRATION_LIST_FIELDS
from members.models import Affiliation

from .models import Invoice, InvoiceLine
from .services import registration_charge

# The people who see an organisation's invoices on its page.
INVOICE_ROLES = (Affiliation.Role.REPRESENTATIVE, Affiliation.Role.CONTACT)


def user_is_invoice_staff(*, user) -> bool:
    return bool(user.is_authenticated and user.has_perm("invoicing.view_invoice"))


def user_represents(*, user, organisation) -> bool:
    if not user.is_authenticated:
        return False
    return (
        Affiliation.objects.current()
        .filter(user=user, organisation=organisation, role__in=INVOICE_ROLES)
        .exists()
    )


def invoices_visible_to(*, user):
    """Issued invoices the user may open: staff all; a representative or contact person their
    organisation's; anyone the ones addressed to them personally."""
    invoices = Invoice.objects.issued().select_related("event", "credited_invoice")
    if user_is_invoice_staff(user=user):
        return invoices
    if not user.is_authenticated:
        return invoices.none()
    organisations = (
        Affiliation.objects.current()
        .filter(user=user, role__in=INVOICE_ROLES)
        .values("organisation_id")
    )
    return invoices.filter(Q(organisation_id__in=organisations) | Q(person=user))


def organisation_invoices(*, organisation, limit: int = 50) -> list[Invoice]:
    return list(
        Invoice.objects.issued()
        .filter(organisation=organisation)
        .select_related("event", "credited_invoice")
        .order_by("-issue_date", "-pk")[:limit]
    )


def user_registration_billing(*, user, limit: int = 20) -> list[dict]:
    """The person's paid registrations: the price the members rule gave at sign-up, what is
    owed now, and the invoice (number and status) that billed it, if any."""
    registrations = list(
        Registration.objects.filter(user=user, price__gt=0)
        .select_related("event")
        .only(*REGISTRATION_LIST_FIELDS)  # what the panel shows, not the event's every column
        .order_by("-created_at")[:limit]
    )
    lines = (
        InvoiceLine.objects.filter(registration__in=registrations)
        .exclude(invoice__status=Invoice.Status.DRAFT)
        .select_related("invoice")
        .order_by("invoice__issued_at", "pk")
    )
    latest: dict[int, Invoice] = {}
    for line in lines:
        latest[line.registration_id] = line.invoice
    return [
        {
            "registration": registration,
            "owed": registration_charge(registration=registration),
            "invoice": latest.get(registration.pk),
        }
        for registration in registrations
    ]
