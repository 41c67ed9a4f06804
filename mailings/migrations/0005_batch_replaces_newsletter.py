"""The outbox rows no longer point at a newsletter; one mail per address and batch."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0004_batch_data"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="outboxmessage",
            name="outbox_one_mail_per_newsletter_address",
        ),
        migrations.RemoveField(
            model_name="outboxmessage",
            name="newsletter",
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.UniqueConstraint(condition=Q(batch__isnull=False), fields=("batch", "to"), name="outbox_one_mail_per_batch_address"),
        ),
    ]
