from django.core.management.base import BaseCommand

from members.groups import groups_missing_permissions, groups_sync


class Command(BaseCommand):
    help = (
        "Show which permissions the staff groups (Secretariat, Editors, Event managers) lack "
        "compared with members/groups.py; with --sync, create missing groups and add those "
        "permissions. Never removes a permission, so rights given by hand in the admin stay. "
        "Run with --sync after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Add the missing permissions (without it, only list them).",
        )

    def handle(self, *args, sync: bool = False, **options):
        if sync:
            for name, count in groups_sync().items():
                self.stdout.write(f"{name}: {count} permissions added")
            return
        for name, missing in groups_missing_permissions().items():
            self.stdout.write(f"{name}: {len(missing)} permissions missing")
            for codename in missing:
                self.stdout.write(f"  {codename}")
