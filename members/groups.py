"""Staff rights come from groups, not from the superuser flag.

The groups are created by a data migration (members/migrations/0003_staff_groups.py) with the
permissions that exist at that point (members' own). Permissions of the other apps are created
by Django after `migrate` finishes, so `manage.py staff_groups --sync` adds them: run it after
every `migrate` on deploy (`make run` and `seed_demo` do).

Adding is all it ever does. The secretariat may give a group more rights in the admin, and those
survive `migrate` and `staff_groups --sync`; taking a right away is done in the admin too (and
the next `--sync` gives back a right listed here, so take it out of this table as well). A
right that must go from every installation (GROUP_EXCLUSIONS) is taken away by a data
migration, as strategy/migrations/0006_editors_lose_ballot_rights.py does.
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
        "activity": "view",
    },
    "Editors": {
        "projects": "all",
        "publications": "all",
        "strategy": "all",
        "members": "view",
        "events": "view",
        "activity": "view",
    },
    "Event managers": {
        "events": "all",
        "members": "view",
        "outbox": "view",
        "newsletters": "view",
        "activity": "view",
    },
}


# group name -> {app label: [codenames taken out of what the rules above give]}.
# Editors edit strategy content but see neither ballots nor the voting rows of the action log
# (issue 12: who voted, and after the close what was chosen, is for the secretariat); nor do
# Event managers.
GROUP_EXCLUSIONS: dict[str, dict[str, list[str]]] = {
    "Editors": {
        "strategy": [
            f"{action}_{model}"
            for model in ("ballot", "ballotchoice")
            for action in ("add", "change", "delete", "view")
        ],
        # The voting rows of the one action log (activity/verbs.py VOTING_VERBS).
        "activity": ["view_voting_actions"],
    },
    "Event managers": {"activity": ["view_voting_actions"]},
}


def _permissions_for(Permission, rules: dict[str, str | list[str]], name: str = ""):
    condition = Q(pk__in=[])
    for app_label, rule in rules.items():
        if rule == "all":
            condition |= Q(content_type__app_label=app_label)
        elif rule == "view":
            condition |= Q(content_type__app_label=app_label, codename__startswith="view_")
        else:
            for prefix in rule:
                condition |= Q(content_type__app_label=app_label, codename__startswith=prefix)
    permissions = Permission.objects.filter(condition)
    for app_label, codenames in GROUP_EXCLUSIONS.get(name, {}).items():
        permissions = permissions.exclude(content_type__app_label=app_label, codename__in=codenames)
    return permissions


def permissions_create(*, using: str = "default") -> None:
    """Make sure every installed app's permissions exist (Django creates them after `migrate`;
    this lets the sync run on its own, e.g. right after a data migration)."""
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=global_apps)


def groups_missing_permissions() -> dict[str, list[str]]:
    """The permissions listed in GROUP_PERMISSIONS that each group does not have, as
    "app_label.codename", sorted."""
    from django.contrib.auth.models import Group, Permission

    missing = {}
    for name, rules in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        wanted = _permissions_for(Permission, rules, name).select_related("content_type")
        held = set(group.permissions.values_list("pk", flat=True)) if group else set()
        missing[name] = sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in wanted if p.pk not in held
        )
    return missing


def groups_sync() -> dict[str, int]:
    """Create any missing staff group and add the listed permissions it lacks; never remove a
    permission. Returns the number of permissions added per group."""
    from django.contrib.auth.models import Group, Permission

    permissions_create()
    added = {}
    for name, rules in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        held = set(group.permissions.values_list("pk", flat=True))
        missing = [p for p in _permissions_for(Permission, rules, name) if p.pk not in held]
        group.permissions.add(*missing)
        added[name] = len(missing)
    return added
