"""Demo development projects. Fictional but plausible: no project here is a real one.
Idempotent: projects are found by slug, participants and milestones by natural keys."""

import datetime
from decimal import Decimal

from devtools.factories import ensure
from devtools.factories.projects import MilestoneFactory, ParticipantFactory, ProjectFactory
from events.models import Event
from members.models import Organisation
from projects.models import Project, ProjectParticipant

PROJECTS = [
    {
        "slug": "tryghed-i-opgangen",
        "title": "Tryghed i opgangen",
        "summary": "Fire boligafdelinger afprøver, hvordan lys, overskuelige indgange og "
        "opgangsmøder kan øge trygheden blandt beboerne.",
        "description": "<p>Projektet undersøger, hvad der får beboere til at føle sig trygge i "
        "deres opgang. Afdelingerne kombinerer fysiske tiltag som bedre belysning og "
        "synlige postkasser med sociale tiltag som faste opgangsmøder.</p>"
        "<h3>Metode</h3><ul><li>Tryghedsvandringer med beboere</li>"
        "<li>Før- og eftermåling med spørgeskema</li>"
        "<li>Erfaringsudveksling i ERFA-netværk</li></ul>",
        "status": Project.Status.ONGOING,
        "starts_on": datetime.date(2025, 2, 1),
        "ends_on": datetime.date(2027, 6, 30),
        "budget": Decimal("3200000"),
        "knowledge": "byliv-og-bolig",
        "financial": ("fonden-gode-boligomraader", Decimal("1800000")),
        "events": ["erfa-netvaerk-boligsocial-indsats"],
        "milestones": [
            ("Tryghedsvandringer gennemført", datetime.date(2025, 5, 1), True),
            ("Belysning og indgange ombygget", datetime.date(2026, 3, 1), False),
            ("Eftermåling og slutrapport", datetime.date(2027, 5, 1), False),
        ],
    },
    {
        "slug": "klimatilpasning-af-friarealer",
        "title": "Klimatilpasning af friarealer",
        "summary": "Regnvand håndteres lokalt i boligområdernes grønne arealer, så kældre "
        "holdes tørre og beboerne får bedre udearealer.",
        "description": "<p>Skybrud rammer oftere. I projektet omdanner tre boligorganisationer "
        "græsplæner til regnbede og lavninger, der kan rumme vandet, og måler effekten.</p>",
        "status": Project.Status.ONGOING,
        "starts_on": datetime.date(2024, 8, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "budget": Decimal("5400000"),
        "knowledge": "arkitektskolen-almene",
        "financial": ("boligfinans-partnerskab", Decimal("2500000")),
        "events": ["seminar-klimatilpasning"],
        "milestones": [
            ("Kortlægning af oversvømmelsesrisiko", datetime.date(2024, 11, 1), True),
            ("Regnbede anlagt i første afdeling", datetime.date(2025, 9, 1), True),
            ("Måleresultater offentliggjort", datetime.date(2026, 10, 1), False),
        ],
    },
    {
        "slug": "beboerdemokrati-for-nye-beboere",
        "title": "Beboerdemokrati for nye beboere",
        "summary": "Hvordan får nye beboere lyst til at deltage i afdelingsmøder og "
        "afdelingsbestyrelser? Et projekt om introduktion og fællesskab.",
        "description": "<p>Projektet udvikler en velkomstpakke og et kort kursusforløb, der "
        "forklarer beboerdemokratiet i almene boliger på et enkelt sprog.</p>",
        "status": Project.Status.COMPLETED,
        "starts_on": datetime.date(2022, 9, 1),
        "ends_on": datetime.date(2024, 6, 30),
        "budget": Decimal("1100000"),
        "knowledge": "nordisk-boligforskning",
        "financial": None,
        "events": ["kursus-beboerdemokrati"],
        "milestones": [
            ("Interview med 40 nye beboere", datetime.date(2023, 1, 15), True),
            ("Velkomstpakke afprøvet", datetime.date(2023, 10, 1), True),
            ("Evaluering afsluttet", datetime.date(2024, 5, 1), True),
        ],
    },
    {
        "slug": "energirenovering-af-betonbyggeri",
        "title": "Energirenovering af betonbyggeri fra 1970'erne",
        "summary": "Erfaringer med at efterisolere facader og udskifte vinduer, mens "
        "beboerne bliver boende.",
        "description": "<p>Mange almene boligafdelinger er bygget i beton i 1960'erne og "
        "1970'erne. Projektet samler erfaringer fra renoveringer, hvor beboerne bor i "
        "boligerne undervejs, og beskriver, hvad der virker i dialogen med dem.</p>",
        "status": Project.Status.PREPARATION,
        "starts_on": datetime.date(2026, 3, 1),
        "ends_on": None,
        "budget": Decimal("7800000"),
        "knowledge": "arkitektskolen-almene",
        "financial": ("fonden-gode-boligomraader", Decimal("3000000")),
        "events": ["projekt-topmoede"],
        "milestones": [("Ansøgning om medfinansiering", datetime.date(2026, 1, 15), False)],
    },
    {
        "slug": "digitale-beboerportaler",
        "title": "Digitale beboerportaler for alle",
        "summary": "En idé om fælles principper for beboerportaler, så også ældre og "
        "beboere med begrænsede danskkundskaber kan bruge dem.",
        "description": "<p>Idéen er foreslået af medlemmerne og drøftes på projekt-Topmødet.</p>",
        "status": Project.Status.IDEA,
        "starts_on": None,
        "ends_on": None,
        "budget": None,
        "knowledge": None,
        "financial": None,
        "events": [],
        "milestones": [],
    },
]


def _participant(project, organisation, role, **fields) -> None:
    lookup = {"project": project, "organisation": organisation, "role": role}
    ensure(ParticipantFactory, lookup=lookup, **fields)


def seed(*, stdout) -> None:
    housing = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.HOUSING, member_since__isnull=False
        ).order_by("name")[:12]
    )
    by_slug = Organisation.objects.in_bulk(field_name="slug")
    created = 0
    for index, spec in enumerate(PROJECTS):
        owner = housing[index % len(housing)] if housing else None
        project, was_created = ensure(
            ProjectFactory,
            lookup={"slug": spec["slug"]},
            title=spec["title"],
            summary=spec["summary"],
            description=spec["description"],
            status=spec["status"],
            starts_on=spec["starts_on"],
            ends_on=spec["ends_on"],
            budget=spec["budget"],
            owner=owner,
            status_changed_on=spec["starts_on"],
            is_published=True,
        )
        created += was_created
        members = housing[index + 1 : index + 3] if housing else []
        for organisation in members:
            _participant(project, organisation, ProjectParticipant.Role.MEMBER)
        if spec["knowledge"] and spec["knowledge"] in by_slug:
            _participant(project, by_slug[spec["knowledge"]], ProjectParticipant.Role.KNOWLEDGE)
        if spec["financial"] and spec["financial"][0] in by_slug:
            _participant(
                project,
                by_slug[spec["financial"][0]],
                ProjectParticipant.Role.FINANCIAL,
                amount_granted=spec["financial"][1],
            )
        for title, due_on, is_reached in spec["milestones"]:
            ensure(
                MilestoneFactory,
                lookup={"project": project, "title": title},
                due_on=due_on,
                is_reached=is_reached,
            )
        events = Event.objects.filter(slug__in=spec["events"])
        if events:
            project.events.add(*events)
    stdout.write(f"projects: {created} new of {len(PROJECTS)}")
