"""A focus area's proposal date of its own (the search's year), filled from the first row of
its dated status history (the action log's "focus_area.status"), else from when the row was
made. Stands alone: no app code is imported."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Min


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Action = apps.get_model("activity", "Action")
    FocusArea = apps.get_model("strategy", "FocusArea")
    area_type = ContentType.objects.filter(app_label="strategy", model="focusarea").first()
    first = {}
    if area_type is not None:
        first = dict(
            Action.objects.filter(target_type=area_type, verb="focus_area.status")
            .values_list("target_id")
            .annotate(first=Min("created_at"))
            .values_list("target_id", "first")
        )
    for area in FocusArea.objects.all().only("pk", "created_at"):
        proposed = first.get(str(area.pk)) or area.created_at
        if proposed is not None:
            FocusArea.objects.filter(pk=area.pk).update(proposed_at=proposed)


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0007_audit_and_status_history_to_action_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="focusarea",
            name="proposed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="proposed"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
