from django.core.management.base import BaseCommand
from django.db import transaction

from search.index import reindex_all
from search.registry import registrations


class Command(BaseCommand):
    help = (
        "Rebuild the knowledge-hub search index (every model an app registers in search_index.py) "
        "from the database. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=sorted(registrations()),
            help="Only this kind (may be given more than once).",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = reindex_all(kinds=options["kind"])
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"{kind}: {count} documents")
        self.stdout.write(self.style.SUCCESS("The search index is up to date."))
