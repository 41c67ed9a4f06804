import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app's demo data is devtools/demo/<app>.py with a function seed(*, stdout) that is
# idempotent (get_or_create by a natural key). Order follows the dependencies between apps.
APPS_IN_ORDER = [
    "members",
    "events",
    "projects",
    "publications",
    "strategy",
    "newsletters",
    "images",
]


class Command(BaseCommand):
    help = "Fill the database with AlmenNet's demo content. Safe to run again: nothing doubles."

    def handle(self, *args, **options):
        # The demo accounts have published passwords (one is staff): never in production.
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG=on: its accounts have a published password "
                "and one is staff. It is for development and demonstrations, never production."
            )
        with transaction.atomic():
            for app in APPS_IN_ORDER:
                importlib.import_module(f"devtools.demo.{app}").seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
