"""Invoices and credit notes for paid seats, the seller's details and the number counters.

An issued invoice is never changed: the services refuse it, the admin shows it read-only and a
database trigger (migration 0002) rejects an UPDATE of its content or any change to its lines.
Only its status moves on (sent, paid, credited), and a mistake is corrected by a credit note.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from almennet.lazy import ByPath
from events.models import Event, Registration

ZERO = Decimal("0.00")


class SellerSettings(models.Model):
    """The association's own details, printed on every invoice. One row (pk=1), edited in the
    admin; the demo values are marked as such until the secretariat replaces them."""

    name = models.CharField(_("name"), max_length=200, default="AlmenNet (DEMO)")
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        default="12345674",
        validators=[ByPath("members.validators.validate_cvr")],
    )
    ean = models.CharField(
        _("EAN number"),
        max_length=13,
        blank=True,
        validators=[ByPath("members.validators.validate_ean")],
    )
    street = models.CharField(_("street"), max_length=200, default="Demovej 1 (DEMO)")
    postcode = models.CharField(_("postcode"), max_length=10, default="1000")
    city = models.CharField(_("city"), max_length=100, default="København K")
    email = models.EmailField(_("invoice email"), default="faktura@almennet.invalid")
    bank_name = models.CharField(_("bank"), max_length=100, default="Demobanken (DEMO)")
    bank_reg_number = models.CharField(_("bank registration number"), max_length=4, default="1234")
    bank_account = models.CharField(_("bank account number"), max_length=10, default="0001234567")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    vat_rate = models.DecimalField(
        _("VAT rate for events (%)"), max_digits=5, decimal_places=2, default=Decimal("25.00")
    )
    course_vat_rate = models.DecimalField(
        _("VAT rate for courses and education (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
        help_text=_(
            "0 when courses are exempt from VAT as teaching (the Danish VAT Act, section 13); "
            "the invoice then states the exemption."
        ),
    )
    vat_exemption_reason = models.CharField(
        _("VAT exemption text"),
        max_length=200,
        default="Momsfritaget undervisning, jf. momslovens § 13, stk. 1, nr. 3",
    )
    auto_invoice_ended_events = models.BooleanField(
        _("invoice events automatically when they end"), default=True
    )
    is_demo = models.BooleanField(
        _("demo values"),
        default=True,
        help_text=_("Untick once the real details are filled in; invoices say DEMO until then."),
    )

    class Meta:
        verbose_name = _("invoice settings")
        verbose_name_plural = _("invoice settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="sellersettings_singleton")]

    def __str__(self):
        return str(_("Invoice settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SellerSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class InvoiceSeries(models.Model):
    """The counter of one number series. Issuing locks this row (SELECT ... FOR UPDATE) inside
    the issuing transaction, so numbers are consecutive: no gap, no number used twice."""

    code = models.CharField(_("series"), max_length=10, primary_key=True)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self):
        return f"{self.code}: {self.next_number}"


class InvoiceQuerySet(models.QuerySet):
    def issued(self):
        return self.exclude(status=Invoice.Status.DRAFT)

    def open(self):
        """Issued or sent and not yet paid or credited."""
        return self.filter(status__in=(Invoice.Status.ISSUED, Invoice.Status.SENT))


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        CREDITED = "credited", _("Credited")

    SERIES = {Kind.INVOICE: "F", Kind.CREDIT_NOTE: "K"}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    series = models.CharField(_("series"), max_length=10)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="+", verbose_name=_("event")
    )
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    is_write_off = models.BooleanField(
        _("written off by hand"),
        default=False,
        help_text=_(
            "A credit note the secretariat issued as goodwill: the seats are not billed again."
        ),
    )
    # The payer: an organisation, or a person who signed up without one.
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # The buyer as printed, copied when the draft is made so the invoice never changes later.
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_cvr = models.CharField(_("buyer CVR"), max_length=8, blank=True)
    buyer_ean = models.CharField(_("buyer EAN"), max_length=13, blank=True)
    buyer_email = models.EmailField(_("buyer email"), blank=True)
    buyer_reference = models.CharField(_("reference"), max_length=100, blank=True)
    requisition_number = models.CharField(_("requisition number"), max_length=50, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="DKK")
    net_amount = models.DecimalField(_("net amount"), max_digits=11, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT"), max_digits=11, decimal_places=2, default=0)
    total_amount = models.DecimalField(_("total"), max_digits=11, decimal_places=2, default=0)
    # The seller as printed (from SellerSettings when issued).
    seller = models.JSONField(_("seller details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid"), max_digits=11, decimal_places=2, null=True, blank=True
    )
    payment_note = models.CharField(_("payment note"), max_length=200, blank=True)
    credited_at = models.DateTimeField(_("credited"), null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_unique_number"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, issue_date__isnull=False),
                name="invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credited_invoice__isnull=True)
                | Q(kind="credit_note", credited_invoice__isnull=False),
                name="invoice_credit_note_references_invoice",
            ),
            models.CheckConstraint(
                condition=Q(net_amount__gte=0) & Q(vat_amount__gte=0) & Q(total_amount__gte=0),
                name="invoice_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="invoice_event_status")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.display_number}"

    def get_absolute_url(self):
        return reverse("invoicing:pdf", kwargs={"pk": self.pk})

    @property
    def display_number(self) -> str:
        if self.number is None:
            return str(_("(draft)"))
        return f"{self.series}{self.number:06d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_electronic(self) -> bool:
        """EAN receivers get the UBL file through NemHandel; everyone else a PDF by mail."""
        return bool(self.buyer_ean)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration"),
    )
    description = models.CharField(_("description"), max_length=300)
    participant = models.CharField(_("participant"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=11, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(_("net amount"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(net_amount__gte=0),
                name="invoiceline_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return self.description


class BillableEvent(Event):
    """Events as the invoicing admin sees them: the list where the secretariat issues the
    invoices of an event (an admin action), without events knowing about invoicing."""

    class Meta:
        proxy = True
        verbose_name = _("event to invoice")
        verbose_name_plural = _("events to invoice")
