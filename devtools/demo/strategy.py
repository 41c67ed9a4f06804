"""Demo content for the strategy: the 2022 strategy and its six ambitions (from the article
"AlmenNet sætter kurs mod markant ny strategi", 12 Nov 2021), trends, focus areas in every
status, a project summit with pledges, a counted voting round and an open one.

Idempotent: everything is found by a natural key before it is created. Uses whatever people,
seats and organisations the members demo made; skips what it cannot find."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from activity.services import record
from devtools.factories import ensure
from devtools.factories.strategy import FocusAreaFactory, SummitFactory, TrendFactory
from events.models import Event, EventSession
from members.models import Affiliation, Organisation, Seat, User
from strategy import secrecy, services
from strategy.models import (
    Ambition,
    Ballot,
    BallotChoice,
    FocusArea,
    Pledge,
    Recommendation,
    Strategy,
    Trend,
    VotingRound,
)

AMBITIONS = [
    (
        1,
        "En førende VidensHub for alment byggeri og boligområder",
        "AlmenNet som en førende VidensHub for alment byggeri og boligområder.",
    ),
    (
        2,
        "Dyb viden og udsyn",
        "Fokus på at sikre dyb viden og samtidig have udsyn.",
    ),
    (
        3,
        "Skue fremad: trends 50-100 år ude i fremtiden",
        "Foreningen skal skue fremad og identificere trends for det byggede miljø og kunne "
        "træffe beslutninger med relevans 50-100 år ude i fremtiden.",
    ),
    (
        4,
        "Anbefalinger ud fra fremtidens tendenser",
        "Komme med anbefalinger med udgangspunkt fremtidens tendenser.",
    ),
    (
        5,
        "Rammesætte de kommende års udviklingsprojekter",
        "Skal proaktivt rammesætte de kommende års udviklingsprojekter.",
    ),
    (
        6,
        "Samle partnere praktisk, teoretisk og finansielt",
        "Skal facilitere rammer for at samle partnere, der praktisk, teoretisk og finansielt "
        "kan sikre, at udvikling og nytænkning også munder ud i anbefalinger til handling.",
    ),
]

TRENDS = [
    (
        "klimatilpasning-og-skybrud",
        "Klimatilpasning og skybrud",
        25,
        3,
        3,
        "Hyppigere skybrud stiller krav til afvanding, friarealer og kældre.",
        "DMI Klimaatlas",
    ),
    (
        "havvandsstigning",
        "Havvandsstigning",
        100,
        3,
        2,
        "Kystnære boligområder skal planlægge for en højere havvandstand.",
        "IPCC AR6",
    ),
    (
        "aldrende-beboere",
        "Flere ældre beboere",
        25,
        3,
        3,
        "Andelen af beboere over 75 år vokser; boliger og fællesskaber skal følge med.",
        "Danmarks Statistik, befolkningsfremskrivning",
    ),
    (
        "cirkulaert-byggeri",
        "Cirkulært byggeri",
        25,
        2,
        2,
        "Genbrug af materialer og design for adskillelse bliver normen.",
        "",
    ),
    (
        "digital-drift",
        "Digital drift og data",
        10,
        2,
        3,
        "Sensorer og data ændrer driften af boligafdelinger.",
        "",
    ),
    (
        "fossilfri-energi",
        "Fossilfri energiforsyning",
        25,
        3,
        3,
        "Fjernvarme og el uden fossile brændsler ændrer renoveringsbehovet.",
        "",
    ),
    (
        "nye-familieformer",
        "Nye familieformer",
        50,
        2,
        1,
        "Flere bor alene eller i skiftende familier; boligstørrelser skal kunne ændres.",
        "",
    ),
    (
        "byggeomkostninger",
        "Stigende byggeomkostninger",
        10,
        2,
        2,
        "Priserne på byggeri presser nybyggeri og renovering.",
        "",
    ),
    (
        "biodiversitet",
        "Biodiversitet i boligområderne",
        50,
        1,
        2,
        "Friarealerne kan blive vigtige for naturen i byen.",
        "",
    ),
    (
        "den-blandede-by",
        "Den blandede by",
        100,
        2,
        1,
        "Blandede ejerformer og funktioner i de almene boligområder.",
        "",
    ),
]

FOCUS_AREAS = [
    # slug, title, status, problem, why now, ambitions, trends
    (
        "klimarobuste-boligomraader",
        "Klimarobuste boligområder",
        "prioritised",
        "Mange afdelinger er ikke bygget til skybrud og hedebølger.",
        "Klimatilpasning skal finansieres i de kommende års renoveringer.",
        [3, 5],
        ["klimatilpasning-og-skybrud", "havvandsstigning"],
    ),
    (
        "boliger-til-et-langt-liv",
        "Boliger til et langt liv",
        "prioritised",
        "Ældre beboere flytter, fordi boligerne ikke passer til deres behov.",
        "De store årgange bliver over 80 år i de næste ti år.",
        [2, 4],
        ["aldrende-beboere"],
    ),
    (
        "cirkulaer-renovering",
        "Cirkulær renovering",
        "not_chosen",
        "Renoveringer skaber store mængder affald.",
        "Nye krav til klimaaftryk fra 2025.",
        [1, 6],
        ["cirkulaert-byggeri"],
    ),
    (
        "data-i-driften",
        "Data i driften",
        "ballot",
        "Driften har data, men bruger dem sjældent til beslutninger.",
        "Sensorer er blevet billige.",
        [1, 2],
        ["digital-drift"],
    ),
    (
        "energirenovering-uden-huslejestigning",
        "Energirenovering uden huslejestigning",
        "ballot",
        "Energirenovering hæver ofte huslejen.",
        "Fossilfri varme kræver lavere temperaturer i bygningerne.",
        [4, 5],
        ["fossilfri-energi"],
    ),
    (
        "fleksible-boligstorrelser",
        "Fleksible boligstørrelser",
        "ballot",
        "Boligerne passer dårligt til nye familieformer.",
        "",
        [3],
        ["nye-familieformer"],
    ),
    (
        "natur-paa-friarealerne",
        "Natur på friarealerne",
        "summit",
        "Friarealerne er græsplæner uden liv.",
        "",
        [6],
        ["biodiversitet"],
    ),
    (
        "faellesskaber-paa-tvaers",
        "Fællesskaber på tværs af generationer",
        "consideration",
        "Unge og ældre mødes sjældent i afdelingerne.",
        "",
        [2],
        ["aldrende-beboere"],
    ),
    (
        "billigere-nybyggeri",
        "Billigere nybyggeri",
        "active",
        "Rammebeløbet slår ikke til i de store byer.",
        "",
        [5],
        ["byggeomkostninger"],
    ),
]


def _staff() -> User:
    staff = User.objects.filter(is_staff=True).order_by("-is_superuser", "id").first()
    if staff is None:
        staff, _ = User.objects.get_or_create(
            email="strategi-demo@almennet.dk",
            defaults={"first_name": "Strategi", "last_name": "Demo", "is_staff": True},
        )
    return staff


def _at(date: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def seed(*, stdout) -> None:
    staff = _staff()
    strategy, _ = Strategy.objects.get_or_create(
        title="AlmenNets strategi 2022",
        defaults={
            "adopted_on": datetime.date(2022, 6, 15),
            "adopted_by": "Ekstraordinært repræsentantskabsmøde",
            "summary": (
                "Strategien skal markere AlmenNet som en videns-hub inden for alment byggeri "
                "og boligområder med større udsyn, mere dybde og sammen med flere partnere. "
                "Et Advisory Board identificerer sammen med medlemmer og bestyrelse "
                "fokusområder; bestyrelsen vælger de prioriterede områder, som udmeldes til "
                "boligorganisationer, vidensorganisationer og finansielle partnere."
            ),
        },
    )
    ambitions = {}
    for number, title, text in AMBITIONS:
        ambitions[number], _ = Ambition.objects.update_or_create(
            number=number, defaults={"title": title, "text": text, "strategy": strategy}
        )
    trends = {}
    for slug, title, horizon, impact, certainty, description, sources in TRENDS:
        trends[slug], _ = ensure(
            TrendFactory,
            lookup={"slug": slug},
            title=title,
            horizon=horizon,
            impact=impact,
            certainty=certainty,
            description=description,
            sources=sources,
        )
    proposer = User.objects.filter(seats__body=Seat.Body.ADVISORY).first()
    areas = {}
    start = _at(datetime.date(2022, 10, 1))
    for slug, title, _status, problem, why_now, amb, trs in FOCUS_AREAS:
        area, created = ensure(
            FocusAreaFactory,
            lookup={"slug": slug},
            title=title,
            problem=problem,
            why_now=why_now,
            proposer=proposer,
            status=FocusArea.Status.PROPOSED,
            status_changed_at=start,
            proposed_at=start,
        )
        areas[slug] = area
        if created:
            area.ambitions.set([ambitions[n] for n in amb])
            area.trends.set([trends[t] for t in trs])
            record(proposer, "focus_area.status", area, at=start, status=area.status, note="")
    # One proposal waiting for the secretariat's moderation.
    ensure(
        FocusAreaFactory,
        lookup={"slug": "groenne-taghaver"},
        title="Grønne taghaver",
        problem="Tagene er ubrugte.",
        proposer=proposer,
        status=FocusArea.Status.PROPOSED,
        moderation=FocusArea.Moderation.PENDING,
    )
    _summit(areas)
    _closed_round(areas, staff)
    _open_round(areas, staff)
    # The remaining statuses, dated, where the rounds did not set them.
    for slug, _title, status, *_rest in FOCUS_AREAS:
        area = FocusArea.objects.get(pk=areas[slug].pk)
        for step in _status_path(area.status, status):
            services.focus_area_set_status(
                focus_area=area, status=step, actor=staff, at=_at(datetime.date(2025, 4, 1))
            )
    _recommendations(areas)
    stdout.write(
        f"strategy: {Ambition.objects.count()} ambitions, {Trend.objects.count()} trends, "
        f"{FocusArea.objects.count()} focus areas, {Pledge.objects.count()} pledges, "
        f"{VotingRound.objects.count()} voting rounds."
    )


def _status_path(start: str, goal: str) -> list[str]:
    """The shortest walk through services.ALLOWED_TRANSITIONS, so the demo's history rows
    show each step a real focus area would take."""
    paths = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        if here == goal:
            return paths[here]
        for there in sorted(services.ALLOWED_TRANSITIONS[here]):
            if there not in paths:
                paths[there] = [*paths[here], there]
                queue.append(there)
    raise ValueError(f"no way from {start} to {goal}")


def _summit(areas) -> None:
    summit = Event.objects.filter(kind=Event.Kind.SUMMIT).order_by("created_at").first()
    if summit is None:
        summit = SummitFactory(
            title="Projekt-Topmøde 2024",
            slug="projekt-topmoede-2024",
            kind=Event.Kind.SUMMIT,
            summary="Partnerne trykprøver fokusområderne.",
        )
        EventSession.objects.create(
            event=summit,
            starts_at=_at(datetime.date(2024, 11, 14), 9),
            ends_at=_at(datetime.date(2024, 11, 14), 16),
        )
    kinds = [Organisation.Kind.HOUSING, Organisation.Kind.KNOWLEDGE, Organisation.Kind.FINANCIAL]
    backers = []
    for kind in kinds:
        affiliation = (
            Affiliation.objects.current()
            .filter(organisation__kind=kind)
            .select_related("user", "organisation")
            .order_by("organisation__name", "id")
            .first()
        )
        if affiliation:
            backers.append(affiliation)
    plan = {
        "klimarobuste-boligomraader": [
            ("strong", True, False, False, None),
            ("support", False, True, False, None),
            ("strong", False, False, True, Decimal("2500000")),
        ],
        "boliger-til-et-langt-liv": [
            ("support", True, False, False, None),
            ("strong", False, True, False, None),
            ("neutral", False, False, False, None),
        ],
        "fleksible-boligstorrelser": [
            ("concerns", True, False, False, None),
            ("support", False, True, False, None),
            ("support", False, False, True, Decimal("750000")),
        ],
    }
    for slug, rows in plan.items():
        area = areas[slug]
        for affiliation, (assessment, practical, theoretical, financial, amount) in zip(
            backers, rows, strict=False
        ):
            if Pledge.objects.filter(
                summit=summit, focus_area=area, organisation=affiliation.organisation
            ).exists():
                continue
            Pledge.objects.create(
                summit=summit,
                focus_area=area,
                organisation=affiliation.organisation,
                person=affiliation.user,
                assessment=assessment,
                practical=practical,
                theoretical=theoretical,
                financial=financial,
                amount=amount,
                comment="",
            )
    for slug in plan:
        area = areas[slug]
        area.events.add(summit)


def _cast(voting_round, voter, ranks: dict) -> None:
    # A past round, so not through ballot_cast (its window is over); the same anonymous shape.
    if voter.has_voted:
        return
    ballot = Ballot.objects.create(
        round=voting_round,
        link=secrecy.ballot_link(round_id=voting_round.pk, voter_id=voter.pk),
        receipt=secrecy.ballot_receipt(round_id=voting_round.pk, voter_id=voter.pk),
        weight=voter.weight,
    )
    for item, rank in ranks.items():
        BallotChoice.objects.create(ballot=ballot, item=item, rank=rank)
    voter.has_voted = True
    voter.save(update_fields=["has_voted"])


def _closed_round(areas, staff) -> None:
    title = "Prioritering af fokusområder 2025"
    if VotingRound.objects.filter(title=title).exists():
        return
    if not Seat.objects.current(datetime.date(2025, 3, 1)).board().exists():
        return
    slugs = ["klimarobuste-boligomraader", "boliger-til-et-langt-liv", "cirkulaer-renovering"]
    opens, closes = _at(datetime.date(2025, 3, 1), 9), _at(datetime.date(2025, 3, 15), 16)
    voting_round = services.round_create(
        actor=staff,
        focus_areas=[areas[s] for s in slugs],
        title=title,
        description="Bestyrelsen rangerer fokusområderne efter Projekt-Topmødet.",
        method=VotingRound.Method.RANKED,
        quorum=3,
        is_secret=True,
        electorate=VotingRound.Electorate.BOARD,
        opens_at=opens,
        closes_at=closes,
    )
    services.round_open(voting_round=voting_round, actor=staff, now=opens)
    items = {i.focus_area.slug: i for i in voting_round.items.select_related("focus_area")}
    orders = [slugs, slugs, [slugs[1], slugs[0], slugs[2]], [slugs[0], slugs[2], slugs[1]]]
    rng = random.Random(2025)  # noqa: S311 - demo data, not security
    for n, voter in enumerate(voting_round.voters.order_by("id")):
        order = orders[n % len(orders)] if n < 6 else rng.sample(slugs, 3)
        _cast(voting_round, voter, {items[s]: r for r, s in enumerate(order, 1)})
    services.round_close(voting_round=voting_round, now=closes)
    voting_round.refresh_from_db()
    if voting_round.outcome == VotingRound.Outcome.VALID:
        for slug in slugs:
            area = FocusArea.objects.get(pk=areas[slug].pk)
            goal = "prioritised" if slug != "cirkulaer-renovering" else "not_chosen"
            for step in _status_path(area.status, goal):
                services.focus_area_set_status(
                    focus_area=area,
                    status=step,
                    actor=staff,
                    note=title,
                    at=closes + datetime.timedelta(days=7),
                )
        voting_round.priorities_confirmed_at = closes + datetime.timedelta(days=7)
        voting_round.save(update_fields=["priorities_confirmed_at"])


def _open_round(areas, staff) -> None:
    title = "Repræsentantskabets prioritering 2026"
    if VotingRound.objects.filter(title=title).exists():
        return
    now = timezone.now()
    voting_round = services.round_create(
        actor=staff,
        focus_areas=[
            areas["data-i-driften"],
            areas["energirenovering-uden-huslejestigning"],
            areas["fleksible-boligstorrelser"],
        ],
        title=title,
        description=(
            "Repræsentantskabet peger på op til to fokusområder. Hver medlemsorganisation har "
            "én stemme, vægtet med organisationens antal boliger."
        ),
        method=VotingRound.Method.APPROVAL,
        max_choices=2,
        quorum=10,
        is_secret=False,
        electorate=VotingRound.Electorate.COUNCIL,
        weight_by_homes=True,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=21),
    )
    try:
        services.round_open(voting_round=voting_round, actor=staff, now=now)
    except Exception:  # noqa: BLE001 - no representatives in this database: leave it a draft
        return


def _recommendations(areas) -> None:
    from projects.models import Project
    from publications.models import Publication

    rows = [
        (
            "klimarobuste-boligomraader",
            "Planlæg skybrudssikring sammen med helhedsplanen",
            Recommendation.Status.PUBLISHED,
        ),
        (
            "boliger-til-et-langt-liv",
            "Ombyg stueetager til ældrevenlige boliger",
            Recommendation.Status.ADOPTED,
        ),
        ("billigere-nybyggeri", "Standardiser bærende konstruktioner", Recommendation.Status.DRAFT),
    ]
    projects = list(Project.objects.order_by("id")[:2])
    publications = list(Publication.objects.order_by("id")[:2])
    for slug, title, status in rows:
        recommendation, created = Recommendation.objects.get_or_create(
            focus_area=areas[slug],
            title=title,
            defaults={
                "status": status,
                "text": "Anbefalingen bygger på projekterne og publikationerne nedenfor.",
            },
        )
        if created:
            recommendation.projects.set(projects)
            recommendation.publications.set(publications)
    for project in projects:
        project.focus_areas.add(areas["klimarobuste-boligomraader"])
