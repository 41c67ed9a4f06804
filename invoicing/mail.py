"""Invoices by mail, queued through the outbox with the PDF attached."""

from django.conf import settings
from django.utils import translation

from .models import Invoice
from .pdf import invoice_pdf


def dedup_key(*, invoice: Invoice) -> str:
    return f"invoicing:invoice:{invoice.pk}:pdf"


def invoice_mail_queue(*, invoice: Invoice) -> None:
    """Queue the invoice mail (once per invoice) to the buyer's invoice address."""
    from outbox.rendering import mail_language
    from outbox.services import message_queue

    language = mail_language(None, invoice.person)
    with translation.override(language):
        pdf = invoice_pdf(invoice=invoice, language=language)
    message_queue(
        to=invoice.buyer_email,
        user=invoice.person,
        language=language,
        template="invoicing/mail/invoice",
        context={"invoice": invoice, "site_url": settings.SITE_URL},
        attachments=[(f"{invoice.display_number}.pdf", pdf, "application/pdf")],
        dedup_key=dedup_key(invoice=invoice),
    )
