"""Staff rights come from groups, not from the superuser flag.

Each group gets model permissions by app label. Other apps' permissions may not exist yet when
members' migration runs, so `groups_sync()` runs again after every `migrate` (post_migrate) and
from `manage.py sync_groups`; it is idempotent and only ever sets a group's permissions to
exactly what is listed here.
"""

from django.apps import apps as global_apps
from django.db.models import Q

# group name -> {app label: "all" | "view" | [codename prefixes]}
GROUP_PERMISSIONS: dict[str, dict[str, str | list[str]]] = {
    "Secretariat": {
        "members": "all",
        "events": "all",
        "projects": "all",
        "publications": "all",
        "strategy": "all",
        "outbox": "all",
        "newsletters": "all",
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
        "outbox": "view",
        "newsletters": "view",
    },
}


# group name -> {app label: [codenames taken out of what the rules above give]}.
# Editors edit strategy content but see neither ballots nor the strategy audit log (issue 12:
# who voted, and after the close what was chosen, is for the secretariat).
GROUP_EXCLUSIONS: dict[str, dict[str, list[str]]] = {
    "Editors": {
        "strategy": [
            f"{action}_{model}"
            for model in ("ballot", "ballotchoice", "auditentry")
            for action in ("add", "change", "delete", "view")
        ],
    },
}


def _permissions_for(Permission, rules: dict[str, str | list[str]]):
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


def groups_sync(*, apps=global_apps) -> dict[str, int]:
    """Create the staff groups and give each exactly its permissions. Returns the number of
    permissions per group. `apps` lets a data migration pass its historical registry."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counts = {}
    for name, rules in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = _permissions_for(Permission, rules)
        for app_label, codenames in GROUP_EXCLUSIONS.get(name, {}).items():
            permissions = permissions.exclude(
                content_type__app_label=app_label, codename__in=codenames
            )
        permissions = list(permissions)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def groups_sync_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate receiver: once members' signal arrives, make sure every installed app's
    permissions exist, then (re)assign them to the groups."""
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=global_apps)
    groups_sync()
