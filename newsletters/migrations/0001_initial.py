"""The newsletter models as they left `mailings` (whose 0006 renamed their tables to these
names): state only, nothing is created in the database."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('mailings', '0006_tables_renamed'),
        ('events', '0003_registrations'),
        ('outbox', '0001_initial'),
        ('projects', '0002_participants_milestones_images_history'),
        ('publications', '0003_search_rank_vector'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalNewsletter',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('slug', models.SlugField(max_length=200, verbose_name='slug')),
                        ('intro', models.TextField(blank=True, max_length=600, verbose_name='introduction')),
                        ('body', models.TextField(blank=True, help_text='HTML: paragraphs, headings (h2, h3), lists, links, bold, italics and quotes. Anything else is removed when saved.', verbose_name='body')),
                        ('to_subscribers', models.BooleanField(default=True, verbose_name='all confirmed subscribers')),
                        ('to_member_contacts', models.BooleanField(default=False, verbose_name='contact persons of member organisations')),
                        ('to_seat_holders', models.BooleanField(default=False, verbose_name='people with a current board or Advisory Board seat')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Sending'), ('paused', 'Paused'), ('sent', 'Sent')], default='draft', max_length=10, verbose_name='status')),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='sent out')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='delivery finished')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sent_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                    ],
                    options={
                        'verbose_name': 'historical newsletter',
                        'verbose_name_plural': 'historical newsletters',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Subscriber',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, unique=True, verbose_name='email address')),
                        ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                        ('language', models.CharField(choices=[('da', 'Danish'), ('en', 'English')], default='da', max_length=5, verbose_name='language')),
                        ('status', models.CharField(choices=[('pending', 'Waiting for confirmation'), ('confirmed', 'Subscribed'), ('unsubscribed', 'Unsubscribed')], default='pending', max_length=15, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                        ('unsubscribed_at', models.DateTimeField(blank=True, null=True, verbose_name='unsubscribed')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='newsletter_subscriptions', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'subscriber',
                        'verbose_name_plural': 'subscribers',
                        'ordering': ['email'],
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('requested', 'Asked to subscribe'), ('confirmed', 'Confirmed by link'), ('withdrawn', 'Withdrawn')], max_length=10, verbose_name='action')),
                        ('source', models.CharField(max_length=100, verbose_name='source')),
                        ('text', models.TextField(blank=True, verbose_name='wording shown')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                        ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='newsletters.subscriber', verbose_name='subscriber')),
                    ],
                    options={
                        'verbose_name': 'consent record',
                        'verbose_name_plural': 'consent records',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Newsletter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('slug', models.SlugField(max_length=200, unique=True, verbose_name='slug')),
                        ('intro', models.TextField(blank=True, max_length=600, verbose_name='introduction')),
                        ('body', models.TextField(blank=True, help_text='HTML: paragraphs, headings (h2, h3), lists, links, bold, italics and quotes. Anything else is removed when saved.', verbose_name='body')),
                        ('to_subscribers', models.BooleanField(default=True, verbose_name='all confirmed subscribers')),
                        ('to_member_contacts', models.BooleanField(default=False, verbose_name='contact persons of member organisations')),
                        ('to_seat_holders', models.BooleanField(default=False, verbose_name='people with a current board or Advisory Board seat')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Sending'), ('paused', 'Paused'), ('sent', 'Sent')], default='draft', max_length=10, verbose_name='status')),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='sent out')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='delivery finished')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('batch', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='outbox.batch', verbose_name='mail batch')),
                        ('events', models.ManyToManyField(blank=True, related_name='newsletters', to='events.event', verbose_name='events')),
                        ('projects', models.ManyToManyField(blank=True, related_name='newsletters', to='projects.project', verbose_name='projects')),
                        ('publications', models.ManyToManyField(blank=True, related_name='newsletters', to='publications.publication', verbose_name='publications')),
                        ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                        ('to_participants_of', models.ManyToManyField(blank=True, related_name='+', to='events.event', verbose_name='participants of these events')),
                    ],
                    options={
                        'verbose_name': 'newsletter',
                        'verbose_name_plural': 'newsletters',
                        'ordering': ['-created_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status', 'draft'), ('issued_at__isnull', False), _connector='OR'), name='newsletter_issued_when_not_draft')],
                    },
                ),
            ],
        ),
    ]
