from django.core.management.base import BaseCommand

from members.groups import groups_sync


class Command(BaseCommand):
    help = (
        "Create the staff groups (Secretariat, Editors, Event managers) and give them their "
        "permissions by app label. Safe to run again."
    )

    def handle(self, *args, **options):
        for name, count in groups_sync().items():
            self.stdout.write(f"{name}: {count} permissions")
