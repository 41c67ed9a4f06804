"""Editors edit strategy content but see neither ballots nor the strategy audit log (issue 12).
`staff_groups --sync` only ever adds rights, so the ones Editors held before are taken away
here, once. Stands alone: it names no app code."""

from django.db import migrations

CODENAMES = [
    f"{action}_{model}"
    for model in ("ballot", "ballotchoice", "auditentry")
    for action in ("add", "change", "delete", "view")
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.filter(content_type__app_label="strategy", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0005_anonymous_ballots"),
        ("members", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
