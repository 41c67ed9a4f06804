"""The outbox models as they left `mailings` (whose 0006 renamed their tables to these names):
state only, nothing is created in the database."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('mailings', '0006_tables_renamed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Batch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(max_length=200, verbose_name='label')),
                        ('is_held', models.BooleanField(default=False, verbose_name='held')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='released')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='delivery finished')),
                    ],
                    options={
                        'verbose_name': 'mail batch',
                        'verbose_name_plural': 'mail batches',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SuppressedAddress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, unique=True, verbose_name='email address')),
                        ('reason', models.CharField(choices=[('bounce', 'Refused permanently by the receiving server'), ('manual', 'Blocked by the secretariat')], default='bounce', max_length=10, verbose_name='reason')),
                        ('detail', models.TextField(blank=True, verbose_name='detail')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='since')),
                    ],
                    options={
                        'verbose_name': 'failing address',
                        'verbose_name_plural': 'failing addresses',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to', models.EmailField(max_length=254, verbose_name='recipient')),
                        ('language', models.CharField(max_length=5, verbose_name='language')),
                        ('template', models.CharField(max_length=200, verbose_name='template')),
                        ('subject', models.CharField(max_length=300, verbose_name='subject')),
                        ('body_text', models.TextField(verbose_name='text body')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML body')),
                        ('headers', models.JSONField(blank=True, default=dict, verbose_name='extra headers')),
                        ('message_id', models.CharField(max_length=255, unique=True, verbose_name='Message-ID')),
                        ('dedup_key', models.CharField(blank=True, max_length=200, null=True, verbose_name='deduplication key')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped (unsubscribed or failing address)')], default='queued', max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                        ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='claimed until')),
                        ('claim_token', models.UUIDField(blank=True, null=True, verbose_name='claim')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='queued at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='outbox.batch', verbose_name='batch')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbox_messages', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'delivery log entry',
                        'verbose_name_plural': 'delivery log',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('filename', models.CharField(max_length=200, verbose_name='file name')),
                        ('mimetype', models.CharField(max_length=100, verbose_name='content type')),
                        ('content', models.BinaryField(verbose_name='content')),
                        ('message', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='outbox.outboxmessage')),
                    ],
                    options={
                        'verbose_name': 'attachment',
                        'verbose_name_plural': 'attachments',
                    },
                ),
                migrations.AddIndex(
                    model_name='outboxmessage',
                    index=models.Index(condition=models.Q(('status__in', ['queued', 'sending'])), fields=['next_attempt_at'], name='outbox_pending_idx'),
                ),
                migrations.AddIndex(
                    model_name='outboxmessage',
                    index=models.Index(fields=['to'], name='outbox_to_idx'),
                ),
                migrations.AddConstraint(
                    model_name='outboxmessage',
                    constraint=models.UniqueConstraint(condition=models.Q(('dedup_key__isnull', False)), fields=('dedup_key',), name='outbox_unique_dedup_key'),
                ),
                migrations.AddConstraint(
                    model_name='outboxmessage',
                    constraint=models.UniqueConstraint(condition=models.Q(('batch__isnull', False)), fields=('batch', 'to'), name='outbox_one_mail_per_batch_address'),
                ),
                migrations.AddConstraint(
                    model_name='outboxmessage',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'sending'), _negated=True), ('lease_until__isnull', False), _connector='OR'), name='outbox_sending_has_lease'),
                ),
            ],
        ),
    ]
