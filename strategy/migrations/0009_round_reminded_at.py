from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0008_focus_area_proposed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="votinground",
            name="reminded_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When those who had not voted were reminded, a day before the close.",
                null=True,
                verbose_name="reminder queued at",
            ),
        ),
    ]
