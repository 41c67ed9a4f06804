"""Each released newsletter gets an outbox batch holding its rows (see 0003)."""

import django.utils.timezone
from django.db import migrations


def newsletters_to_batches(apps, schema_editor):
    Batch = apps.get_model("mailings", "Batch")
    Newsletter = apps.get_model("mailings", "Newsletter")
    OutboxMessage = apps.get_model("mailings", "OutboxMessage")
    released = Newsletter.objects.exclude(status="draft") | Newsletter.objects.filter(
        id__in=OutboxMessage.objects.filter(newsletter__isnull=False).values("newsletter_id")
    )
    for newsletter in released.distinct().order_by("id"):
        batch = Batch.objects.create(
            label=f"newsletter:{newsletter.slug}"[:200],
            is_held=newsletter.status == "paused",
            created_at=newsletter.issued_at or django.utils.timezone.now(),
            finished_at=(newsletter.finished_at or newsletter.issued_at)
            if newsletter.status == "sent"
            else None,
        )
        Newsletter.objects.filter(pk=newsletter.pk).update(batch=batch)
        OutboxMessage.objects.filter(newsletter_id=newsletter.pk).update(batch=batch)
    # The newsletter's mail templates move with the newsletters app.
    for old, new in [
        ("mailings/mail/newsletter", "newsletters/mail/newsletter"),
        ("mailings/mail/subscribe_confirm", "newsletters/mail/subscribe_confirm"),
    ]:
        OutboxMessage.objects.filter(template=old).update(template=new)


def batches_to_newsletters(apps, schema_editor):
    Newsletter = apps.get_model("mailings", "Newsletter")
    OutboxMessage = apps.get_model("mailings", "OutboxMessage")
    for newsletter in Newsletter.objects.filter(batch__isnull=False):
        OutboxMessage.objects.filter(batch_id=newsletter.batch_id).update(newsletter=newsletter)
    for old, new in [
        ("mailings/mail/newsletter", "newsletters/mail/newsletter"),
        ("mailings/mail/subscribe_confirm", "newsletters/mail/subscribe_confirm"),
    ]:
        OutboxMessage.objects.filter(template=new).update(template=old)


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0003_batch"),
    ]

    operations = [
        migrations.RunPython(newsletters_to_batches, batches_to_newsletters),
    ]
