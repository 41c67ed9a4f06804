"""Staff rights come from groups. This creates the groups with the permissions that exist when
it runs (members' own); `manage.py staff_groups --sync` adds the other apps' permissions once
Django has created them after `migrate` (see members/groups.py).

The table and the rule are copied here as they were when this migration was written, so the
migration keeps working whatever happens to members/groups.py later."""

from django.db import migrations
from django.db.models import Q

GROUP_PERMISSIONS = {
    "Secretariat": {
        "members": "all",
        "events": "all",
        "projects": "all",
        "publications": "all",
        "strategy": "all",
        "mailings": "all",
        "auth": "view",
        "account": "all",
    },
    "Editors": {
        "projects": "all",
        "publications": "all",
        "strategy": "all",
        "members": "view",
        "events": "view",
    },
    "Event managers": {
        "events": "all",
        "members": "view",
        "mailings": "view",
    },
}


def _permissions_for(Permission, rules):
    condition = Q(pk__in=[])
    for app_label, rule in rules.items():
        if rule == "all":
            condition |= Q(content_type__app_label=app_label)
        elif rule == "view":
            condition |= Q(content_type__app_label=app_label, codename__startswith="view_")
        else:
            for prefix in rule:
                condition |= Q(content_type__app_label=app_label, codename__startswith=prefix)
    return Permission.objects.filter(condition)


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create members'
    # own now so the groups start with them.
    members_config = apps.get_app_config("members")
    previous = getattr(members_config, "models_module", None)
    members_config.models_module = True
    try:
        create_permissions(members_config, verbosity=0, apps=apps)
    finally:
        members_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, rules in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(list(_permissions_for(Permission, rules)))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_organisation_details_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
