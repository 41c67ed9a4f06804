"""The models now belong to `outbox` and `newsletters` (their 0001 took them over, state only).
Here `mailings` lets go of them, again state only, and their content types move with them, so
permissions, staff groups and the admin's history keep pointing at the same rows."""

from django.db import migrations

OUTBOX = ["batch", "outboxmessage", "outboxattachment", "suppressedaddress"]
NEWSLETTERS = ["subscriber", "consent", "newsletter", "historicalnewsletter"]


def _relabel(apps, *, source: str, targets: dict[str, list[str]]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for target, models in targets.items():
        for model in models:
            if ContentType.objects.filter(app_label=target, model=model).exists():
                continue  # created by an earlier post_migrate; the old one stays with `source`
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _relabel(apps, source="mailings", targets={"outbox": OUTBOX, "newsletters": NEWSLETTERS})


def content_types_backward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for source, models in (("outbox", OUTBOX), ("newsletters", NEWSLETTERS)):
        for model in models:
            if not ContentType.objects.filter(app_label="mailings", model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(
                    app_label="mailings"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mailings", "0006_tables_renamed"),
        ("outbox", "0001_initial"),
        ("newsletters", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in [
                    "Consent",
                    "Subscriber",
                    "OutboxAttachment",
                    "OutboxMessage",
                    "HistoricalNewsletter",
                    "Newsletter",
                    "Batch",
                    "SuppressedAddress",
                ]
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
