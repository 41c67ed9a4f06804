"""Seed the benchmark's own database with a large, realistic data set, fast.

    DJANGO_SETTINGS_MODULE=devtools.bench.settings \
        python -m devtools.bench.seed --scale 1 --plan var/bench/plan.json

At scale 1: 54 member organisations (+ partners), 20,000 users, 2,000 events with 100,000
registrations, 10,000 publications, 1,000 projects, and whatever the other apps add. Rows are
built as unsaved model instances with explicit ids and written with PostgreSQL's COPY (one
round trip per table), then the id sequences are moved past them. Model validation and
`save()` hooks do not run, so the seeder writes only values those hooks would accept (clean
HTML, ordered dates, seats never above capacity).

Each part is guarded: a part whose models have not landed (or whose fields changed) is skipped
with a message saying why, and the rest still runs. It writes a plan (JSON) for the load
generator: paths to request, logged-in sessions with their CSRF secrets, events to sign up for.
"""

import argparse
import datetime
import io
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import django

WORDS = [
    "boligafdeling",
    "beboerdemokrati",
    "beboere",
    "afdelingsbestyrelse",
    "renovering",
    "helhedsplan",
    "tryghed",
    "trivsel",
    "fællesskab",
    "fælleshus",
    "byggeskader",
    "energirenovering",
    "klima",
    "klimatilpasning",
    "regnvand",
    "varmepumpe",
    "solceller",
    "udlejning",
    "venteliste",
    "boligsocial",
    "indsats",
    "nybyggeri",
    "almene",
    "boliger",
    "boligorganisation",
    "kommune",
    "landsbyggefonden",
    "facader",
    "tage",
    "vinduer",
    "ventilation",
    "fugt",
    "vedligeholdelse",
    "driftsøkonomi",
    "husleje",
    "integration",
    "uddannelse",
    "beskæftigelse",
    "børn",
    "unge",
    "ældre",
    "seniorbofællesskab",
    "tilgængelighed",
    "friarealer",
    "biodiversitet",
    "affaldssortering",
    "digitalisering",
    "ejendomskontor",
    "viceværter",
    "ledelse",
    "samarbejde",
    "partnerskab",
    "evaluering",
    "erfaringer",
    "metode",
    "guide",
]
# Each text is about one or two themes, as real publications are, with a word from another
# theme now and then, so a search matches a realistic share of the documents.
THEMES = [
    "boligafdeling afdelingsbestyrelse afdelingsmøde beboerdemokrati beboere repræsentantskab",
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
THEME_WORDS = [theme.split() for theme in THEMES]
FILLER = "og i at det en der som med for på af til er kan har skal vi de om når".split()  # noqa: SIM905
SEARCH_QUERIES = [
    "boligafdeling",
    "beboerdemokrati",
    "renovering tage",
    "klimatilpasning",
    "almene boliger",
    "helhedsplan",
    "fællesskab trivsel",
    "venteliste udlejning",
]
FIRST_NAMES = [
    "Anne",
    "Mette",
    "Lars",
    "Jens",
    "Hanne",
    "Peter",
    "Søren",
    "Lene",
    "Camilla",
    "Mads",
    "Ida",
    "Emil",
    "Sofie",
    "Ali",
    "Fatima",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Holm",
]
MUNICIPALITIES = [
    "København",
    "Aarhus",
    "Odense",
    "Aalborg",
    "Esbjerg",
    "Randers",
    "Kolding",
    "Horsens",
    "Vejle",
    "Roskilde",
]
REGIONS = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]
STAFF_EMAIL = "sekretariat@bench.almennet.dk"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - throwaway users in a throwaway database

rng = random.Random(2026)  # noqa: S311 - reproducible test data, not security


def log(message: str) -> None:
    print(f"[seed] {message}", flush=True)


def _words(count: int) -> str:
    """Text on one or two themes: about half filler words, the rest from the themes."""
    return _theme_text(count, rng.sample(range(len(THEMES)), rng.choice((1, 2))))


def _theme_text(count: int, themes: list[int]) -> str:
    chosen = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.45:
            chosen.append(rng.choice(FILLER))
        elif roll < 0.995:
            chosen.append(rng.choice(THEME_WORDS[rng.choice(themes)]))
        else:
            chosen.append(rng.choice(rng.choice(THEME_WORDS)))
    return " ".join(chosen)


# --- COPY ---------------------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "adapted"):  # psycopg2's Json/Jsonb adapters for JSONField
        value = json.dumps(value.adapted)
    elif isinstance(value, (list, tuple)):
        value = "{" + ",".join(str(item) for item in value) + "}"
    elif isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    else:
        value = str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def copy_insert(model, objects: list) -> int:
    """Write unsaved instances (ids set by the caller) with one COPY; returns the row count."""
    from django.db import connection

    if not objects:
        return 0
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    buffer = io.StringIO()
    for obj in objects:
        buffer.write(
            "\t".join(
                _copy_text(field.get_db_prep_save(field.pre_save(obj, True), connection))
                for field in fields
            )
        )
        buffer.write("\n")
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return len(objects)


def build(model, **values):
    """An unsaved instance from the values whose fields exist on the model today (the other
    apps' models are still growing; a field that is gone is simply not set)."""
    names = set()
    for field in model._meta.concrete_fields:
        names.add(field.name)
        names.add(field.attname)
    return model(**{key: value for key, value in values.items() if key in names})


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def m2m_rows(model, field_name: str, pairs) -> int:
    """COPY rows into an automatic many-to-many table from (left id, right id) pairs."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    left = field.m2m_column_name()
    right = field.m2m_reverse_name()
    start = next_id(through)
    rows = [
        through(**{"id": start + n, left: a, right: b}) for n, (a, b) in enumerate(sorted(pairs))
    ]
    count = copy_insert(through, rows)
    reset_sequences([through])
    return count


# --- the parts ----------------------------------------------------------------------------------


class Seeder:
    def __init__(self, scale: float):
        self.scale = scale
        self.plan: dict = {"paths": {}, "sessions": [], "signup_events": [], "counts": {}}
        self.now = None
        self.org_ids: list[int] = []
        self.member_org_ids: list[int] = []
        self.org_slugs: list[str] = []
        self.user_ids: list[int] = []
        self.user_org: dict[int, int] = {}
        self.event_ids: list[int] = []
        self.project_ids: list[int] = []
        self.publication_ids: list[int] = []

    def n(self, base: int) -> int:
        return max(1, int(base * self.scale))

    def part(self, name: str, function) -> None:
        from django.db import transaction

        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = function()
        except Exception as error:  # noqa: BLE001 - a part that cannot run yet is reported
            log(f"{name}: SKIPPED ({type(error).__name__}: {str(error).strip()[:300]})")
            return
        self.plan["counts"][name] = result
        log(f"{name}: {result} in {time.perf_counter() - started:.1f} s")

    # members ------------------------------------------------------------------------------------
    def organisations(self):
        from members.models import Organisation

        start = next_id(Organisation)
        rows = []
        members = max(54, self.n(54))
        for i in range(members + self.n(20)):
            is_member = i < members
            slug = f"bench-boligselskab-{i}" if is_member else f"bench-partner-{i}"
            rows.append(
                build(
                    Organisation,
                    id=start + i,
                    name=(
                        f"Boligselskabet {rng.choice(MUNICIPALITIES)} {i}"
                        if is_member
                        else f"Videnspartner {i}"
                    ),
                    short_name=f"BS{i}",
                    slug=slug,
                    kind="housing" if is_member else rng.choice(["knowledge", "financial"]),
                    homes=rng.randint(300, 40000) if is_member else 0,
                    municipality=rng.choice(MUNICIPALITIES),
                    region=rng.choice(REGIONS),
                    website=f"https://{slug}.example.dk",
                    cvr=f"{30000000 + start + i}",
                    member_since=datetime.date(2007 + i % 15, 1, 1) if is_member else None,
                )
            )
            self.org_ids.append(start + i)
            if is_member:
                self.member_org_ids.append(start + i)
                self.org_slugs.append(slug)
        copy_insert(Organisation, rows)
        reset_sequences([Organisation])
        self.plan["paths"]["organisation"] = [f"/members/{slug}/" for slug in self.org_slugs]
        return len(rows)

    def users(self):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from members.models import Affiliation, User

        password = make_password(PASSWORD)
        start = next_id(User)
        count = self.n(20000)
        users = []
        for i in range(count):
            users.append(
                build(
                    User,
                    id=start + i,
                    email=f"bench{i}@bench.almennet.dk",
                    password=password,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    is_active=True,
                    date_joined=timezone.now(),
                    language="da",
                )
            )
            self.user_ids.append(start + i)
        copy_insert(User, users)
        reset_sequences([User])

        # Four in five are affiliated with a member organisation, so they count as members.
        affiliations = []
        first = next_id(Affiliation)
        confirmed = timezone.now()
        for i, user_id in enumerate(self.user_ids):
            if i % 5 == 4:
                continue
            org_id = self.member_org_ids[i % len(self.member_org_ids)]
            self.user_org[user_id] = org_id
            affiliations.append(
                build(
                    Affiliation,
                    id=first + len(affiliations),
                    user_id=user_id,
                    organisation_id=org_id,
                    role="employee",
                    starts_on=datetime.date(2020, 1, 1),
                    confirmed_at=confirmed,
                    created_at=confirmed,
                )
            )
        copy_insert(Affiliation, affiliations)
        reset_sequences([Affiliation])
        return {"users": len(users), "affiliations": len(affiliations)}

    def seats(self):
        from members.models import Seat

        start = next_id(Seat)
        rows = []
        roles = ["chair", "vice_chair"] + ["member"] * 5 + ["substitute"] * 2
        for i, role in enumerate(roles):
            rows.append(
                build(
                    Seat,
                    id=start + i,
                    user_id=self.user_ids[i * 5],
                    body="board",
                    role=role,
                    organisation_id=self.user_org.get(self.user_ids[i * 5]),
                    starts_on=datetime.date(2022, 6, 1),
                )
            )
        for j in range(12):
            rows.append(
                build(
                    Seat,
                    id=start + len(rows),
                    user_id=self.user_ids[100 + j],
                    body="advisory",
                    role="member",
                    starts_on=datetime.date(2022, 6, 1),
                )
            )
        copy_insert(Seat, rows)
        reset_sequences([Seat])
        return len(rows)

    # events -------------------------------------------------------------------------------------
    def events(self):
        from django.utils import timezone

        from events.models import Event, EventSession, Registration

        now = timezone.now()
        count = self.n(2000)
        upcoming = min(count, max(60, count // 8))
        hot = min(20, upcoming)
        start = next_id(Event)
        session_start = next_id(EventSession)
        events, sessions = [], []
        capacities = {}
        for i in range(count):
            is_upcoming = i < upcoming
            if is_upcoming:
                begins = now + datetime.timedelta(days=1 + i % 180, hours=rng.randint(0, 8))
            else:
                begins = now - datetime.timedelta(days=1 + (i * 3) % 3000)
            begins = begins.replace(minute=0, second=0, microsecond=0)
            capacity = 10 if i < hot else rng.randint(60, 120)
            event_id = start + i
            capacities[event_id] = capacity
            events.append(
                build(
                    Event,
                    id=event_id,
                    title=f"{_words(3).capitalize()} {i}",
                    slug=f"bench-event-{i}",
                    kind=rng.choice(["seminar", "course", "conference", "network_meeting"]),
                    summary=_words(25).capitalize() + ".",
                    body="<p>" + _words(120).capitalize() + ".</p>",
                    venue_name="Beboerhuset",
                    venue_address="Vej 1, 8000 Aarhus C",
                    region=rng.choice(REGIONS),
                    capacity=capacity,
                    member_price=Decimal(rng.choice([0, 500, 1200])),
                    non_member_price=Decimal(rng.choice([0, 900, 2000])),
                    signup_opens_at=begins - datetime.timedelta(days=365),
                    signup_closes_at=begins - datetime.timedelta(hours=1),
                    cancellation_deadline=begins - datetime.timedelta(days=1),
                    requires_approval=False,
                    is_published=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            sessions.append(
                build(
                    EventSession,
                    id=session_start + i,
                    event_id=event_id,
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(hours=4),
                )
            )
            self.event_ids.append(event_id)
        copy_insert(Event, events)
        copy_insert(EventSession, sessions)
        reset_sequences([Event, EventSession])

        # Registrations: spread over every event but the sign-up targets, never above capacity.
        wanted = self.n(100000)
        targets = self.event_ids[hot:]
        per_event = -(-wanted // len(targets))
        first = next_id(Registration)
        registrations = []
        for index, event_id in enumerate(targets):
            if len(registrations) >= wanted:
                break
            is_past = index + hot >= upcoming
            take = min(per_event, capacities[event_id], wanted - len(registrations))
            for user_id in rng.sample(self.user_ids, take):
                org_id = self.user_org.get(user_id)
                registrations.append(
                    build(
                        Registration,
                        id=first + len(registrations),
                        event_id=event_id,
                        user_id=user_id,
                        organisation_id=org_id,
                        status="attended" if is_past else "confirmed",
                        price_category="member" if org_id else "non_member",
                        price=Decimal(500 if org_id else 900),
                        created_at=now,
                        confirmed_at=now,
                        liability="",
                    )
                )
        copy_insert(Registration, registrations)
        reset_sequences([Registration])

        slugs = [f"bench-event-{i}" for i in range(hot, upcoming)]
        self.plan["paths"]["event_detail"] = [f"/events/{slug}/" for slug in slugs]
        # Sign-up targets: the 20 small events (capacity 10, empty: 50 users race for 200
        # seats, most land on the waiting list) and 80 others with seats left.
        self.plan["signup_events"] = [
            {"id": start + i, "slug": f"bench-event-{i}", "capacity": capacities[start + i]}
            for i in range(min(upcoming, hot + 80))
        ]
        return {"events": len(events), "registrations": len(registrations)}

    # knowledge hub ------------------------------------------------------------------------------
    def projects(self):
        from django.utils import timezone

        from projects.models import Project, ProjectParticipant

        now = timezone.now()
        start = next_id(Project)
        rows = []
        for i in range(self.n(1000)):
            begins = datetime.date(2012 + i % 14, 1 + i % 12, 1)
            rows.append(
                build(
                    Project,
                    id=start + i,
                    title=f"{_words(4).capitalize()} {i}",
                    slug=f"bench-project-{i}",
                    summary=_words(30).capitalize() + ".",
                    description="<p>" + _words(150).capitalize() + ".</p>",
                    status=rng.choice(["ongoing", "completed", "preparation"]),
                    starts_on=begins,
                    ends_on=begins + datetime.timedelta(days=rng.randint(200, 1500)),
                    status_changed_on=begins,
                    owner_id=rng.choice(self.member_org_ids),
                    budget=Decimal(rng.randint(100, 9000) * 1000),
                    is_published=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            self.project_ids.append(start + i)
        copy_insert(Project, rows)
        reset_sequences([Project])
        participants = []
        first = next_id(ProjectParticipant)
        for project_id in self.project_ids:
            for org_id in rng.sample(self.org_ids, 2):
                participants.append(
                    build(
                        ProjectParticipant,
                        id=first + len(participants),
                        project_id=project_id,
                        organisation_id=org_id,
                        role="member",
                        note="",
                    )
                )
        copy_insert(ProjectParticipant, participants)
        reset_sequences([ProjectParticipant])
        return {"projects": len(rows), "participants": len(participants)}

    def publications(self):
        from django.utils import timezone

        from publications.models import Publication, Tag

        now = timezone.now()
        tag_start = next_id(Tag)
        tags = [
            build(Tag, id=tag_start + i, name=f"{word} {i}", slug=f"bench-tag-{i}")
            for i, word in enumerate(WORDS[:40])
        ]
        copy_insert(Tag, tags)
        reset_sequences([Tag])
        start = next_id(Publication)
        rows = []
        for i in range(self.n(10000)):
            rows.append(
                build(
                    Publication,
                    id=start + i,
                    title=f"{_words(5).capitalize()} {i}",
                    slug=f"bench-publication-{i}",
                    kind=rng.choice(["report", "guide", "article"]),
                    summary=_words(40).capitalize() + ".",
                    body="<p>" + _words(200).capitalize() + ".</p>",
                    authors=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    published_on=datetime.date(2008 + i % 18, 1 + i % 12, 1 + i % 28),
                    is_member_only=i % 10 == 0,
                    is_published=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            self.publication_ids.append(start + i)
        copy_insert(Publication, rows)
        reset_sequences([Publication])
        tag_ids = [tag.id for tag in tags]
        counts = {"publications": len(rows), "tags": len(tags)}
        counts["publication_tags"] = m2m_rows(
            Publication,
            "tags",
            {(p, t) for p in self.publication_ids for t in rng.sample(tag_ids, 2)},
        )
        counts["publication_organisations"] = m2m_rows(
            Publication,
            "organisations",
            {(p, rng.choice(self.member_org_ids)) for p in self.publication_ids},
        )
        counts["publication_files"] = self.publication_files()
        if self.project_ids:
            counts["publication_projects"] = m2m_rows(
                Publication,
                "projects",
                {(p, rng.choice(self.project_ids)) for p in self.publication_ids[::3]},
            )
        return counts

    def publication_files(self) -> int:
        """A fifth of the publications carry a long PDF whose extracted text is searched too
        (the file itself is not written: only its text is read by the search)."""
        from publications.models import PublicationFile

        start = next_id(PublicationFile)
        rows = []
        for publication_id in self.publication_ids:
            if rng.random() >= 0.2:
                continue
            theme = rng.randrange(len(THEMES))
            rows.append(
                build(
                    PublicationFile,
                    id=start + len(rows),
                    publication_id=publication_id,
                    file=f"bench/{publication_id}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=100_000,
                    page_count=20,
                    text=_theme_text(3000, [theme]),
                )
            )
        copy_insert(PublicationFile, rows)
        reset_sequences([PublicationFile])
        return len(rows)

    # strategy and newsletters --------------------------------------------------------------
    def strategy(self):
        from django.utils import timezone

        from strategy.models import Ambition, FocusArea, Strategy, Trend

        now = timezone.now()
        strategy = build(
            Strategy,
            id=next_id(Strategy),
            title="Strategi 2022",
            adopted_on=datetime.date(2022, 6, 1),
            adopted_by="Bestyrelsen",
            summary=_words(40),
        )
        copy_insert(Strategy, [strategy])
        start = next_id(Ambition)
        ambitions = [
            build(Ambition, id=start + i, number=next_id(Ambition) + i, title=_words(4),
                  text=_words(60), strategy_id=strategy.id)
            for i in range(6)
        ]  # fmt: skip
        copy_insert(Ambition, ambitions)
        start = next_id(Trend)
        trends = [
            build(Trend, id=start + i, title=f"{_words(3).capitalize()} {i}",
                  slug=f"bench-trend-{i}", description=_words(80), sources="", is_published=True)
            for i in range(30)
        ]  # fmt: skip
        copy_insert(Trend, trends)
        start = next_id(FocusArea)
        statuses = ["consideration", "summit", "prioritised", "active", "completed", "proposed"]
        areas = []
        for i in range(60):
            areas.append(
                build(
                    FocusArea,
                    id=start + i,
                    title=f"{_words(4).capitalize()} {i}",
                    slug=f"bench-focus-area-{i}",
                    problem=_words(80),
                    why_now=_words(40),
                    status=statuses[i % len(statuses)],
                    moderation="approved",
                    proposer_id=rng.choice(self.user_ids) if self.user_ids else None,
                    status_changed_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        copy_insert(FocusArea, areas)
        reset_sequences([Strategy, Ambition, Trend, FocusArea])
        area_ids = [area.id for area in areas]
        counts = {"focus_areas": len(areas), "trends": len(trends), "ambitions": len(ambitions)}
        counts["focus_area_ambitions"] = m2m_rows(
            FocusArea, "ambitions", {(a, rng.choice(ambitions).id) for a in area_ids}
        )
        counts["focus_area_trends"] = m2m_rows(
            FocusArea, "trends", {(a, rng.choice(trends).id) for a in area_ids}
        )
        if self.project_ids:
            counts["focus_area_projects"] = m2m_rows(
                FocusArea,
                "projects",
                {(a, p) for a in area_ids for p in rng.sample(self.project_ids, 5)},
            )
        if self.publication_ids:
            counts["focus_area_publications"] = m2m_rows(
                FocusArea,
                "publications",
                {(a, p) for a in area_ids for p in rng.sample(self.publication_ids, 5)},
            )
        self.plan["paths"]["strategy"] = ["/strategy/"]
        self.plan["paths"]["focus_area"] = [f"/strategy/focus-areas/{a.slug}/" for a in areas]
        return counts

    def newsletters(self):
        from django.utils import timezone

        from newsletters.models import Newsletter

        now = timezone.now()
        start = next_id(Newsletter)
        rows = [
            build(
                Newsletter,
                id=start + i,
                subject=f"Nyhedsbrev {i}",
                slug=f"bench-newsletter-{i}",
                intro=_words(30),
                body="<p>" + _words(300) + "</p>",
                status="sent",
                issued_at=now - datetime.timedelta(days=14 * i),
                created_at=now,
                updated_at=now,
            )
            for i in range(self.n(200))
        ]
        copy_insert(Newsletter, rows)
        reset_sequences([Newsletter])
        return len(rows)

    def search_index(self):
        from django.db import connection, transaction

        from search.index import reindex_all
        from search.registry import registrations

        counts = {}
        for kind in sorted(registrations()):
            try:
                with transaction.atomic():
                    counts.update(reindex_all(kinds=[kind]))
            except Exception as error:  # noqa: BLE001 - one kind's model may not have landed
                counts[kind] = f"skipped: {type(error).__name__}: {str(error).splitlines()[0]}"
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return counts

    # the secretariat's logs ---------------------------------------------------------------------
    def mail_log(self):
        """A confirmation mail per registration in the delivery log, as the sign-ups wrote
        them (rendered, sent): the outbox admin's changelist at the size it reaches."""
        from django.db import connection

        from outbox.models import OutboxMessage

        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO outbox_outboxmessage (
                    "to", user_id, language, template, subject, body_text, body_html, headers,
                    render_with, render_data, message_id, dedup_key, status, attempts,
                    next_attempt_at, last_error, created_at, sent_at)
                SELECT u.email, u.id, 'da', 'events/mail/confirmation',
                    'Bekræftelse: ' || e.title, 'Du er tilmeldt ' || e.title || '.', '', '{}',
                    '', '{}', 'bench-' || r.id || '@bench.almennet.dk',
                    'events:registration:' || r.id || ':confirmation', 'sent', 1,
                    r.created_at, '', r.created_at, r.created_at
                FROM events_registration r
                JOIN members_user u ON u.id = r.user_id
                JOIN events_event e ON e.id = r.event_id
                """
            )
            count = cursor.rowcount
        reset_sequences([OutboxMessage])
        return count

    def action_log(self):
        """A "signed up" row per registration in the action log (record() writes one per
        sign-up), its actor the participant."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from activity.models import Action
        from events.models import Registration

        kind = ContentType.objects.get_for_model(Registration)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO activity_action (
                    created_at, verb, target_type_id, target_id, target_label, data, actor_id)
                SELECT r.created_at, 'registration.signed_up', %s, r.id::text,
                    concat_ws(' ', u.first_name, u.last_name) || ': ' || e.title, '{}', u.id
                FROM events_registration r
                JOIN members_user u ON u.id = r.user_id
                JOIN events_event e ON e.id = r.event_id
                """,
                [kind.pk],
            )
            count = cursor.rowcount
        reset_sequences([Action])
        return count

    def staff(self):
        """A secretariat user with TOTP, for the admin measurement (devtools/bench/admin.py):
        it logs in through the login form and the second factor with the code computed from
        this secret (in the plan). Seeded again, it gets a fresh secret."""
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.contrib.auth.models import Group

        from members.models import User

        email = STAFF_EMAIL
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=PASSWORD, first_name="Sekretariat", last_name="Bench"
            )
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        # The secretariat's own group where staff_groups made it; superuser either way.
        user.groups.add(*Group.objects.filter(name__icontains="sekretariat"))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        self.plan["staff"] = {"email": email, "password": PASSWORD, "totp_secret": secret}
        return 1

    # sessions for the load generator ------------------------------------------------------------
    def sessions(self):
        """Logged-in members for the sign-up POST: a session each (as Django's login writes it)
        and a CSRF secret, which Django accepts unmasked as the form token too. Their e-mail
        addresses are verified, so the load generator can also log them in through the login
        form (PASSWORD; none has a second factor)."""
        from allauth.account.models import EmailAddress
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.middleware.csrf import _get_new_csrf_string

        from members.models import User

        members = [uid for uid in self.user_ids if uid in self.user_org][:200]
        users = list(User.objects.filter(pk__in=members).order_by("pk"))
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            ignore_conflicts=True,
        )
        self.plan["password"] = PASSWORD
        for user in users:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            self.plan["sessions"].append(
                {
                    "user": user.pk,
                    "email": user.email,
                    "sessionid": store.session_key,
                    "csrf": _get_new_csrf_string(),
                }
            )
        return len(self.plan["sessions"])

    def run(self) -> dict:
        started = time.perf_counter()
        self.part("organisations", self.organisations)
        self.part("users", self.users)
        self.part("seats", self.seats)
        self.part("events", self.events)
        self.part("projects", self.projects)
        self.part("publications", self.publications)
        self.part("strategy", self.strategy)
        self.part("newsletters", self.newsletters)
        self.part("mail_log", self.mail_log)
        self.part("action_log", self.action_log)
        self.part("search_index", self.search_index)  # and ANALYZE
        self.part("sessions", self.sessions)
        self.part("staff", self.staff)
        paths = self.plan["paths"]
        paths["front"] = ["/"]
        paths["event_list"] = ["/events/"]
        paths["publication_list"] = ["/publications/"]
        # Distinct queries, as real searches are: the page cache seldom answers for them.
        words = sorted({word for theme in THEME_WORDS for word in theme})
        queries = {" ".join(rng.sample(words, rng.choice((1, 2)))) for _ in range(4000)}
        paths["search"] = ["/search/?" + urlencode({"q": q}) for q in sorted(queries)]
        # Logged-in members get no page cache: their event page shows their own registration.
        paths["event_detail_member"] = list(paths.get("event_detail", []))
        paths["front_member"] = ["/"]
        paths["my_page"] = ["/members/me/"]
        paths["my_events"] = ["/events/mine/"]
        paths["bare"] = ["/bench/bare"]
        self.plan["seed_seconds"] = round(time.perf_counter() - started, 1)
        log(f"seeded in {self.plan['seed_seconds']} s")
        return self.plan


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument(
        "--add",
        help="only these parts (comma-separated, e.g. staff,mail_log) on an already seeded "
        "database, added to its plan",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devtools.bench.settings")
    django.setup()
    if args.add:
        seeder = Seeder(args.scale)
        seeder.plan = json.loads(args.plan.read_text())
        for name in args.add.split(","):
            seeder.part(name, getattr(seeder, name))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        plan = seeder.plan
    else:
        plan = Seeder(args.scale).run()
    args.plan.parent.mkdir(parents=True, exist_ok=True)
    args.plan.write_text(json.dumps(plan, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
