# The session check reads the user's second factors from the user row (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_seat_constraint_btree_gist'),
        ('mfa', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='second_factors',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=200),
        ),
        # The factors that exist already (members.security keeps the field from now on).
        migrations.RunSQL(
            """
            UPDATE members_user u SET second_factors = f.ids
            FROM (
                SELECT user_id, string_agg(id::text, ',' ORDER BY id) AS ids
                FROM mfa_authenticator WHERE type IN ('totp', 'webauthn') GROUP BY user_id
            ) f
            WHERE f.user_id = u.id
            """,
            migrations.RunSQL.noop,
        ),
    ]
