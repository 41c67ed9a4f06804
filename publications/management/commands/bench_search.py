"""Seed a large knowledge hub and time the search.

    manage.py bench_search                # 10,000 publications, 1,000 projects, rolled back
    manage.py bench_search --keep         # keep the seeded rows (a later run reuses them)

The seeded rows are bulk-created and indexed with the same code as the portal
(`search.index.reindex_all`), then every query runs through `search.query.search`
(ranking, page of hits with headlines, facets, suggestions) as a visitor would see it.
"""

import datetime
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from members.models import Organisation
from projects.models import Project, ProjectParticipant
from publications.models import Publication, PublicationFile
from search.index import reindex_all
from search.query import search

PREFIX = "bench-"
# Each seeded text is about one or two themes, as real publications are, with words from the
# other themes now and then; so a query matches a realistic share of the documents.
THEMES = [
    "boligafdeling boligafdelinger afdelingsbestyrelse afdelingsmøde beboerdemokrati beboere",
    "renovering helhedsplan byggeskader facader tage vinduer betonbyggeri energirenovering",
    "tryghed trivsel naboskab opgang belysning kriminalitet forebyggelse",
    "klimatilpasning regnvand skybrud regnbede friarealer biodiversitet grønne områder",
    "energi varmepumpe solceller fjernvarme ventilation indeklima fugt skimmel",
    "udlejning venteliste anvisning husleje huslejestøtte driftsøkonomi budget",
    "fællesskab fælleshus frivillige madklub seniorbofællesskab ældre",
    "boligsocial indsats beskæftigelse uddannelse børn unge lektiecafé",
    "digitalisering beboerportal data selvbetjening kommunikation",
    "nybyggeri almene boliger kommune lokalplan byggeri arkitektur",
    "drift ejendomskontor viceværter medarbejdere ledelse arbejdsmiljø",
    "evaluering metode analyse erfaringer anbefalinger værktøj guide",
]
FILLER = "og i at det en der som med for på af til er kan har skal vi de om når".split()  # noqa: SIM905
THEME_WORDS = [theme.split() for theme in THEMES]
QUERIES = [
    "boligafdelinger",
    "beboerdemokrati",
    "renovering af tage",
    "energi OR klimatilpasning",
    '"almene boliger"',
    "tryghed -skimmel",
    "helhedsplan",
    "byggeskader facader",
    "fællesskab og trivsel",
    "venteliste udlejning",
    "seniorbofællesskaber",
    "xyzzyq",
]


def _text(rng: random.Random, words: int, themes: list[int] | None = None) -> str:
    themes = themes or rng.sample(range(len(THEMES)), rng.choice((1, 2)))
    chosen = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.45:
            chosen.append(rng.choice(FILLER))
        elif roll < 0.995:
            chosen.append(rng.choice(THEME_WORDS[rng.choice(themes)]))
        else:
            chosen.append(rng.choice(rng.choice(THEME_WORDS)))
    return " ".join(chosen).capitalize() + "."


class Command(BaseCommand):
    help = "Seed 10,000 publications and 1,000 projects and time the knowledge-hub search."

    def add_arguments(self, parser):
        parser.add_argument("--publications", type=int, default=10_000)
        parser.add_argument("--projects", type=int, default=1_000)
        parser.add_argument("--repeat", type=int, default=5, help="Runs of each query.")
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
            self._seed(rng, options["publications"], options["projects"])
            self.stdout.write(f"Seeded in {time.perf_counter() - started:.1f} s.")
            started = time.perf_counter()
            counts = reindex_all(kinds=["publication", "project"])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchdocument")
            self.stdout.write(f"Indexed {counts} in {time.perf_counter() - started:.1f} s.")

        timings: list[float] = []
        per_query: dict[str, list[float]] = {}
        for _round in range(options["repeat"]):
            for query in QUERIES:
                started = time.perf_counter()
                results = search(query=query, can_see_member_only=False)
                elapsed = (time.perf_counter() - started) * 1000
                timings.append(elapsed)
                per_query.setdefault(query, []).append(elapsed)
                per_query.setdefault(f"{query}#hits", [results.total])

        for query in QUERIES:
            self.stdout.write(
                f"  {query:<28} {statistics.median(per_query[query]):7.1f} ms median, "
                f"{per_query[query + '#hits'][0]} hits"
            )
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        self.stdout.write(
            self.style.SUCCESS(
                f"search over {len(QUERIES)} queries x {options['repeat']}: "
                f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"
            )
        )

    def _seed(self, rng: random.Random, n_publications: int, n_projects: int) -> None:
        organisations = list(Organisation.objects.all()[:60])
        if len(organisations) < 10:
            organisations += Organisation.objects.bulk_create(
                Organisation(name=f"Benchmark boligselskab {i}", slug=f"{PREFIX}org-{i}")
                for i in range(10)
            )
        projects = Project.objects.bulk_create(
            (
                Project(
                    title=f"{_text(rng, 5)[:-1]} ({i})",
                    slug=f"{PREFIX}project-{i}",
                    summary=_text(rng, 40),
                    description=f"<p>{_text(rng, 250)}</p>",
                    status=rng.choice(Project.Status.values),
                    starts_on=datetime.date(rng.randint(2012, 2026), rng.randint(1, 12), 1),
                    owner=rng.choice(organisations),
                    is_published=True,
                )
                for i in range(n_projects)
            ),
            batch_size=1000,
        )
        ProjectParticipant.objects.bulk_create(
            (
                ProjectParticipant(project=project, organisation=organisation)
                for project in projects
                for organisation in rng.sample(organisations, 2)
                if organisation.pk != project.owner_id
            ),
            batch_size=2000,
            ignore_conflicts=True,
        )
        publications = Publication.objects.bulk_create(
            (
                Publication(
                    title=f"{_text(rng, 6)[:-1]} ({i})",
                    slug=f"{PREFIX}publication-{i}",
                    kind=rng.choice(Publication.Kind.values),
                    summary=_text(rng, 50),
                    body=f"<p>{_text(rng, 300)}</p>",
                    published_on=datetime.date(rng.randint(2008, 2026), rng.randint(1, 12), 1)
                    if rng.random() < 0.9
                    else datetime.date(2020, 1, 1),
                    is_member_only=rng.random() < 0.15,
                    is_published=True,
                )
                for i in range(n_publications)
            ),
            batch_size=1000,
        )
        through = Publication.organisations.through
        through.objects.bulk_create(
            (
                through(publication_id=publication.pk, organisation_id=rng.choice(organisations).pk)
                for publication in publications
            ),
            batch_size=5000,
        )
        links = Publication.projects.through
        links.objects.bulk_create(
            (
                links(publication_id=publication.pk, project_id=rng.choice(projects).pk)
                for publication in publications
                if rng.random() < 0.3
            ),
            batch_size=5000,
        )
        # A fifth of the publications carry a long PDF whose text is searched too.
        PublicationFile.objects.bulk_create(
            (
                PublicationFile(
                    publication=publication,
                    file=f"bench/{publication.pk}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=100_000,
                    page_count=20,
                    text=_text(rng, 3000, themes=[rng.randrange(len(THEMES))]),
                )
                for publication in publications
                if rng.random() < 0.2
            ),
            batch_size=500,
        )
