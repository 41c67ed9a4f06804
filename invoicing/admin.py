"""The secretariat's invoicing: issue per event, send, mark paid (by hand or from the bank's
CSV), credit, and the files for NemHandel and the bookkeeping. Every action calls a service;
issued invoices are read-only here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activity.admin import ActionsLinkMixin

from . import services
from .exports import InvalidEInvoice, invoices_csv, invoices_xml_zip
from .models import BillableEvent, Invoice, InvoiceLine, SellerSettings


@admin.register(SellerSettings)
class SellerSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("is_demo", "name", "cvr", "ean", "email")}),
        (_("Address"), {"fields": ("street", "postcode", "city")}),
        (
            _("Payment"),
            {"fields": ("bank_name", "bank_reg_number", "bank_account", "iban", "payment_days")},
        ),
        (
            _("VAT"),
            {"fields": ("vat_rate", "course_vat_rate", "vat_exemption_reason")},
        ),
        (_("Automation"), {"fields": ("auto_invoice_ended_events",)}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # One row only: the list opens that row (tests/measure/test_access_matrix.py knows).
    singleton = True

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        SellerSettings.load()
        return HttpResponseRedirect(reverse("admin:invoicing_sellersettings_change", args=[1]))


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ("description", "participant", "quantity", "unit_price", "vat_rate", "net_amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), initial=timezone.localdate)


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_("Columns: date; text; amount. The text must name the invoice number."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload


@admin.register(Invoice)
class InvoiceAdmin(ActionsLinkMixin, admin.ModelAdmin):
    list_display = (
        "display_number", "kind", "buyer_name", "event", "issue_date", "due_date",
        "total_amount", "status", "is_electronic",
    )  # fmt: skip
    list_filter = ("status", "kind", "issue_date")
    search_fields = ("buyer_name", "buyer_ean", "buyer_cvr", "requisition_number", "number")
    list_select_related = ("event",)
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline]
    actions = ["send", "mark_paid", "credit", "download_xml_batch", "export_csv"]
    readonly_fields = (
        "kind", "display_number", "status", "event", "credited_invoice", "is_write_off",
        "organisation",
        "person", "buyer_name", "buyer_cvr", "buyer_ean", "buyer_email", "buyer_reference",
        "requisition_number", "issue_date", "due_date", "currency", "net_amount", "vat_amount",
        "total_amount", "seller", "issued_at", "issued_by", "sent_at", "paid_at", "paid_amount",
        "payment_note", "credited_at", "actions_link",
    )  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("number"), ordering="number")
    def display_number(self, obj):
        return obj.display_number

    @admin.display(description=_("EAN"), boolean=True)
    def is_electronic(self, obj):
        return obj.is_electronic

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "bank-file/",
                self.admin_site.admin_view(self.bank_file_view),
                name="invoicing_invoice_bank_file",
            ),
        ] + super().get_urls()

    def _each(self, request, queryset, call, done_message):
        done = 0
        for invoice in queryset:
            try:
                call(invoice)
                done += 1
            except (ValidationError, InvalidEInvoice) as error:
                text = "; ".join(error.messages) if hasattr(error, "messages") else str(error)
                self.message_user(request, f"{invoice}: {text}", messages.ERROR)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Send (PDF by mail; EAN receivers through the XML batch)"))
    def send(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda invoice: services.invoice_send(invoice=invoice, actor=request.user),
            lambda n: ngettext("%(n)d invoice sent.", "%(n)d invoices sent.", n) % {"n": n},
        )

    @admin.action(description=_("Mark as paid (the full amount)"))
    def mark_paid(self, request, queryset):
        """Asks for the payment date first (an intermediate page), then marks each paid."""
        form = PaymentForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return render(
                request,
                "admin/invoicing/mark_paid.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": _("Mark as paid"),
                    "form": form,
                    "invoices": queryset,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        paid_on = form.cleaned_data["paid_on"]
        self._each(
            request,
            queryset,
            lambda invoice: services.invoice_mark_paid(
                invoice=invoice, actor=request.user, paid_on=paid_on
            ),
            lambda n: (
                ngettext("%(n)d invoice marked paid.", "%(n)d invoices marked paid.", n) % {"n": n}
            ),
        )
        return None

    @admin.action(description=_("Credit the whole invoice (issues a credit note)"))
    def credit(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda invoice: services.invoice_credit(
                invoice=invoice, actor=request.user, write_off=True
            ),
            lambda n: ngettext("%(n)d invoice credited.", "%(n)d invoices credited.", n) % {"n": n},
        )

    @admin.action(description=_("Download the XML batch for NemHandel (EAN receivers)"))
    def download_xml_batch(self, request, queryset):
        invoices = [
            invoice
            for invoice in queryset.issued().select_related("event", "credited_invoice")
            if invoice.is_electronic
        ]
        if not invoices:
            self.message_user(
                request, _("None of the chosen invoices goes to an EAN number."), messages.ERROR
            )
            return None
        try:
            content = invoices_xml_zip(invoices=invoices)
        except InvalidEInvoice as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        services.invoices_mark_sent_electronically(invoices=invoices)
        response = HttpResponse(content, content_type="application/zip")
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="nemhandel-{stamp}.zip"'
        return response

    @admin.action(description=_("Export to the bookkeeping (CSV)"))
    def export_csv(self, request, queryset):
        content = invoices_csv(
            invoices=queryset.issued()
            .select_related("event", "credited_invoice")
            .order_by("series", "number")
        )
        response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="bogfoering-{stamp}.csv"'
        return response

    def bank_file_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        result = None
        form = BankFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.bank_csv_import(
                    content=form.cleaned_data["file"].read(), actor=request.user
                )
            except ValidationError as error:
                form.add_error("file", error)
        if result is not None:
            self.message_user(
                request,
                ngettext(
                    "%(n)d invoice marked paid from the bank file.",
                    "%(n)d invoices marked paid from the bank file.",
                    len(result.paid),
                )
                % {"n": len(result.paid)},
                messages.SUCCESS if result.paid else messages.WARNING,
            )
        return render(
            request,
            "admin/invoicing/bank_file.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Payments from a bank file"),
                "form": form,
                "result": result,
            },
        )


@admin.register(BillableEvent)
class BillableEventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "member_price", "non_member_price", "first_start")
    search_fields = ("title",)
    actions = ["issue_invoices"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_start()
            .exclude(member_price=0, non_member_price=0)
            .order_by("-first_start")
        )

    @admin.display(description=_("starts"), ordering="first_start")
    def first_start(self, obj):
        return obj.first_start

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("invoicing.add_invoice")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("invoicing.view_invoice")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Issue the invoices and credit notes for these events"))
    def issue_invoices(self, request, queryset):
        invoices = credit_notes = 0
        for event in queryset:
            result = services.event_invoice(event=event, actor=request.user)
            invoices += len(result.invoices)
            credit_notes += len(result.credit_notes)
        self.message_user(
            request,
            _("%(invoices)d invoices and %(credit_notes)d credit notes issued.")
            % {"invoices": invoices, "credit_notes": credit_notes},
            messages.SUCCESS,
        )
