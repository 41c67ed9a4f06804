"""The tables take the names of the apps they move to (outbox_*, newsletters_*); the
many-to-many tables of Newsletter follow. Renamed, not recreated: every row stays."""

from django.db import migrations

MOVES = {
    "batch": "outbox_batch",
    "outboxmessage": "outbox_outboxmessage",
    "outboxattachment": "outbox_outboxattachment",
    "suppressedaddress": "outbox_suppressedaddress",
    "subscriber": "newsletters_subscriber",
    "consent": "newsletters_consent",
    "newsletter": "newsletters_newsletter",
    "historicalnewsletter": "newsletters_historicalnewsletter",
}


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0005_batch_replaces_newsletter"),
    ]

    operations = [
        migrations.AlterModelTable(name=name, table=table) for name, table in MOVES.items()
    ]
