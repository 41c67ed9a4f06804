"""Newsletter mail becomes an outbox batch: the outbox rows stop pointing at the newsletter
(the outbox is to know addresses, not newsletters); the newsletter points at its batch instead.
Every released newsletter gets a batch with its rows (0004); nothing is deleted. Schema and
data changes are separate migrations: PostgreSQL refuses ALTER TABLE after row updates with
deferred foreign-key checks in the same transaction."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0002_historicalnewsletter"),
    ]

    operations = [
        migrations.CreateModel(
            name="Batch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=200, verbose_name="label")),
                ("is_held", models.BooleanField(default=False, verbose_name="held")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="released")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="delivery finished")),
            ],
            options={
                "verbose_name": "mail batch",
                "verbose_name_plural": "mail batches",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="batch",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="messages", to="mailings.batch", verbose_name="batch"),
        ),
        migrations.AddField(
            model_name="newsletter",
            name="batch",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mailings.batch", verbose_name="mail batch"),
        ),
    ]
