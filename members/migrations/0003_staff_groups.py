"""Staff rights come from groups. This creates the groups with members' permissions; the
post_migrate handler in members.groups (and `manage.py sync_groups`) add the other apps'
permissions once those exist."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from members.groups import groups_sync

    # Permissions are normally created after all migrations (post_migrate); create members'
    # own now so the groups start with them.
    members_config = apps.get_app_config("members")
    previous = getattr(members_config, "models_module", None)
    members_config.models_module = True
    try:
        create_permissions(members_config, verbosity=0, apps=apps)
    finally:
        members_config.models_module = previous
    groups_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_organisation_details_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
