"""Seed a large knowledge hub and time the search.

    manage.py bench_search                # 10,000 publications, 1,000 projects, rolled back
    manage.py bench_search --keep         # keep the seeded rows (a later run reuses them)

The seeded rows come from `make bench`'s seeder (devtools/bench/seed.py: one seed for both) and
are indexed with the same code as the portal
(`search.index.reindex_all`), then 4,000 distinct queries (theme words, first letters of a
word, typos) run through `search.query.search` (ranking, page of hits with snippets, facets,
"did you mean") as a visitor would see them, and the first four letters of each through
`search.query.suggest`. The judged query set of the tests (tests/search/judged.py) is added to
the seeded documents and its recall@10 printed beside the latency, with the machine's load.
"""

import os
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from devtools.bench.seed import THEME_WORDS, Seeder
from members.models import Organisation
from publications.models import Publication
from search.index import reindex_all
from search.query import search, suggest
from tests.search.judged import JUDGED

PREFIX = "bench-"


def distinct_queries(rng: random.Random, count: int) -> list[str]:
    """What readers type: one or two theme words, a word's first letters, a typo."""
    words = sorted({word for theme in THEME_WORDS for word in theme})
    queries: set[str] = set()
    while len(queries) < min(count, len(words) ** 2):
        roll = rng.random()
        word = rng.choice(words)
        if roll < 0.6:
            queries.add(" ".join(rng.sample(words, rng.choice((1, 2)))))
        elif roll < 0.8 and len(word) > 4:
            queries.add(word[: rng.randint(3, len(word) - 1)])
        elif len(word) > 4:
            i = rng.randrange(1, len(word) - 2)
            queries.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return sorted(queries)


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def judged_recall() -> tuple[float, list[str]]:
    recalls, misses = [], []
    for query, expected in JUDGED.items():
        if not expected:
            continue
        found = [
            hit.title for hit in search(query=query, can_see_member_only=False, per_page=10).hits
        ]
        hit = [title for title in expected if title in found]
        recalls.append(len(hit) / len(expected))
        if len(hit) < len(expected):
            misses.append(f"{query!r}: missing {sorted(set(expected) - set(hit))}")
    return sum(recalls) / len(recalls), misses


class Command(BaseCommand):
    help = "Seed 10,000 publications and 1,000 projects and time the knowledge-hub search."

    def add_arguments(self, parser):
        parser.add_argument("--publications", type=int, default=10_000)
        parser.add_argument("--projects", type=int, default=1_000)
        parser.add_argument("--queries", type=int, default=4_000, help="Distinct queries.")
        parser.add_argument("--repeat", type=int, default=1, help="Runs of each query.")
        parser.add_argument("--keep", action="store_true", help="Keep the seeded rows.")

    def handle(self, *args, **options):
        with transaction.atomic():
            self._run(options)
            if not options["keep"]:
                transaction.set_rollback(True)
                self.stdout.write("The seeded rows were rolled back.")

    def _run(self, options):
        rng = random.Random(2022)  # noqa: S311 - reproducible test data, not security
        existing = Publication.objects.filter(slug__startswith=PREFIX).count()
        if existing >= options["publications"]:
            self.stdout.write(f"Reusing {existing} seeded publications.")
        else:
            started = time.perf_counter()
            self._seed(options["publications"], options["projects"])
            self.stdout.write(f"Seeded in {time.perf_counter() - started:.1f} s.")
            started = time.perf_counter()
            counts = reindex_all(kinds=["publication", "project"])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchdocument")
            self.stdout.write(f"Indexed {counts} in {time.perf_counter() - started:.1f} s.")

        self._judged_corpus()
        queries = distinct_queries(rng, options["queries"])
        load = os.getloadavg()
        self.stdout.write(
            f"Machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
            f"{load[2]:.2f} (other work on the machine slows every figure below)."
        )
        timings: list[float] = []
        corrected = 0
        for _round in range(options["repeat"]):
            for query in queries:
                started = time.perf_counter()
                results = search(query=query, can_see_member_only=False)
                timings.append((time.perf_counter() - started) * 1000)
                corrected += bool(results.corrected_query)
        suggest_timings: list[float] = []
        for query in sorted({query[:4] for query in queries if len(query) >= 4})[:1000]:
            started = time.perf_counter()
            suggest(query=query, can_see_member_only=False)
            suggest_timings.append((time.perf_counter() - started) * 1000)

        recall, misses = judged_recall()
        self.stdout.write(
            f"search: {len(queries)} distinct queries x {options['repeat']}, "
            f"{corrected} answered through a correction"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"search median {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms; "
                f"suggestions median {statistics.median(suggest_timings):.1f} ms, "
                f"p95 {p95(suggest_timings):.1f} ms; "
                f"recall@10 {recall:.3f} over {len(JUDGED)} judged queries"
            )
        )
        for miss in misses:
            self.stdout.write(f"  {miss}")

    def _judged_corpus(self) -> None:
        """The judged set's own documents (tests/search/judged.py), among the seeded ones, so
        that recall@10 is measured against 11,000 documents with the same words."""
        from tests.search.judged import EGELUND, build_corpus

        if not Organisation.objects.filter(name=EGELUND).exists():
            build_corpus()

    def _seed(self, n_publications: int, n_projects: int) -> None:
        """The knowledge hub of `make bench`'s own seeder (devtools/bench/seed.py): one seed
        for both benchmarks."""
        organisations = list(Organisation.objects.values_list("pk", flat=True)[:60])
        if len(organisations) < 10:
            organisations += [
                org.pk
                for org in Organisation.objects.bulk_create(
                    Organisation(name=f"Benchmark boligselskab {i}", slug=f"{PREFIX}org-{i}")
                    for i in range(10)
                )
            ]
        seeder = Seeder(scale=n_projects / 1000)
        seeder.org_ids = seeder.member_org_ids = organisations
        seeder.projects()
        seeder.scale = n_publications / 10000
        seeder.publications()
