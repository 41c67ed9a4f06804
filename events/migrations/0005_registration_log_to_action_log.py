"""Move every RegistrationLog row into the one action log (activity.Action), then drop the
model. Stands alone: the verbs are written out here, not imported from activity.verbs."""

from django.db import migrations

KNOWN = {
    "signed_up", "added_by_staff", "cancelled", "liability_waived", "promoted", "approved",
    "rejected", "checked_in", "moved", "edited",
}  # fmt: skip


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    RegistrationLog = apps.get_model("events", "RegistrationLog")
    Action = apps.get_model("activity", "Action")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="events", model="registration"
    )
    batch = []
    for log in RegistrationLog.objects.select_related(
        "registration__user", "registration__event"
    ).order_by("pk"):
        registration = log.registration
        data = {
            "event": registration.event_id,
            "from_status": log.from_status,
            "to_status": log.to_status,
            "note": log.note,
        }
        if log.action in KNOWN:
            verb = f"registration.{log.action}"
        else:
            verb = "registration.other"
            data["action"] = log.action
        person = registration.user.email if registration.user_id else "(erased)"
        batch.append(
            Action(
                created_at=log.created_at,
                actor_id=log.actor_id,
                verb=verb,
                target_type=content_type,
                target_id=str(registration.pk),
                target_label=f"{person} – {registration.event.title}"[:300],
                data=data,
            )
        )
        if len(batch) >= 1000:
            Action.objects.bulk_create(batch)
            batch = []
    Action.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0004_registration_billing_details"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="RegistrationLog"),
    ]
