from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from . import selectors
from .exports import InvalidEInvoice, invoice_ubl_checked
from .pdf import invoice_pdf


def _invoice_for(request, pk: int):
    return get_object_or_404(selectors.invoices_visible_to(user=request.user), pk=pk)


@require_GET
@login_required
def invoice_pdf_download(request, pk: int):
    invoice = _invoice_for(request, pk)
    response = HttpResponse(
        invoice_pdf(invoice=invoice, language=request.LANGUAGE_CODE),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.pdf"'
    return response


@require_GET
@login_required
def invoice_xml_download(request, pk: int):
    invoice = _invoice_for(request, pk)
    if not invoice.is_electronic:
        raise Http404
    try:
        xml = invoice_ubl_checked(invoice=invoice)
    except InvalidEInvoice as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.xml"'
    return response
