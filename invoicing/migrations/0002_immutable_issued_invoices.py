"""Issued invoices are immutable in the database too, not only in the services and the admin:
a trigger rejects any change to an issued invoice's content, moving it back to draft, deleting
it, and any insert, update or delete of the lines of an invoice that is not a draft. Status,
delivery and payment fields may still move on. Also creates the two number series."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION invoicing_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.status = 'draft'
        OR (NEW.kind, NEW.series, NEW.number, NEW.event_id, NEW.credited_invoice_id,
            NEW.organisation_id, NEW.buyer_name, NEW.buyer_cvr, NEW.buyer_ean, NEW.buyer_email,
            NEW.buyer_reference, NEW.requisition_number, NEW.issue_date, NEW.due_date,
            NEW.currency, NEW.net_amount, NEW.vat_amount, NEW.total_amount, NEW.seller,
            NEW.issued_at)
        IS DISTINCT FROM
           (OLD.kind, OLD.series, OLD.number, OLD.event_id, OLD.credited_invoice_id,
            OLD.organisation_id, OLD.buyer_name, OLD.buyer_cvr, OLD.buyer_ean, OLD.buyer_email,
            OLD.buyer_reference, OLD.requisition_number, OLD.issue_date, OLD.due_date,
            OLD.currency, OLD.net_amount, OLD.vat_amount, OLD.total_amount, OLD.seller,
            OLD.issued_at)
    ) THEN
        RAISE EXCEPTION 'invoice % is issued and cannot be changed; credit it instead', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoice_immutable
BEFORE UPDATE OR DELETE ON invoicing_invoice
FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_immutable();

CREATE OR REPLACE FUNCTION invoicing_invoiceline_immutable() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM invoicing_invoice
        WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
    IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
        RAISE EXCEPTION 'the lines of issued invoice % cannot be changed',
            COALESCE(NEW.invoice_id, OLD.invoice_id)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.invoice_id <> OLD.invoice_id THEN
        SELECT status INTO parent_status FROM invoicing_invoice WHERE id = OLD.invoice_id;
        IF parent_status <> 'draft' THEN
            RAISE EXCEPTION 'the lines of issued invoice % cannot be changed', OLD.invoice_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoiceline_immutable
BEFORE INSERT OR UPDATE OR DELETE ON invoicing_invoiceline
FOR EACH ROW EXECUTE FUNCTION invoicing_invoiceline_immutable();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS invoicing_invoiceline_immutable ON invoicing_invoiceline;
DROP FUNCTION IF EXISTS invoicing_invoiceline_immutable();
DROP TRIGGER IF EXISTS invoicing_invoice_immutable ON invoicing_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_immutable();
"""


def series_create(apps, schema_editor):
    InvoiceSeries = apps.get_model("invoicing", "InvoiceSeries")
    for code in ("F", "K"):
        InvoiceSeries.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(series_create, migrations.RunPython.noop),
    ]
