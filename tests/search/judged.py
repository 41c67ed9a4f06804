"""A small knowledge hub of our own, apart from the demo data, and the queries a Danish reader
would type into it, each with the hits that must appear among the first ten."""

import datetime

from django.utils import timezone

from devtools.factories.members import OrganisationFactory
from devtools.factories.projects import ParticipantFactory, ProjectFactory
from devtools.factories.publications import PublicationFactory
from devtools.factories.strategy import FocusAreaFactory
from events.models import Event, EventSession
from newsletters.models import Newsletter

KLIMA_PROJECT = "Klimatilpasning af friarealer"
KLIMA_EVENT = "Seminar: Klimatilpasning i almene boligområder"
KLIMA_FOCUS = "Klimarobuste boligområder"
ENERGI_PROJECT = "Energirenovering af betonbyggeri"
ENERGI_FOCUS = "Energirenovering uden huslejestigning"
DEMOKRATI_PROJECT = "Styrket beboerdemokrati i Vollsmose"
DEMOKRATI_FOCUS = "Beboerdemokrati for fremtiden"
EGELUND = "Boligforeningen Egelund"
EGELUND_PUBLICATION = "Erfaringer fra tre afdelinger"
AARHUS = "Århus Almene Boligselskab"
GROENNE = "Grønne Gårde Boligselskab"
TEMADAG = "Temadag om husleje og driftsøkonomi"
WORKSHOP = "Workshop om fællesskab og naboskab"
REGNVAND = "Regnvand og skybrud i boligafdelingen"
HELHEDSPLANER = "Helhedsplaner i udsatte boligområder"
VARME = "Varmepumper og fjernvarme"
FRIVILLIGE = "Fællesskab og frivillige i almene boliger"
NYBYGGERI = "Nybyggeri med bæredygtige materialer"
TRYGHED_PROJECT = "Tryghed i opgangen"
TRYGHED_PUBLICATION = "Tryghedsvandringer med beboerne"
LEKTIECAFE = "Lektiecafé for børn og unge"
VENTELISTER = "Ventelister og anvisning"
EVALUERING = "Evaluering af boligsociale indsatser"
SKIMMEL = "Skimmelsvamp og indeklima"
DATA = "Data og digitalisering i driften"
NEWSLETTER = "Nyhedsbrev: Årets konference om bæredygtighed"
GELLERUP = "Grøn omstilling i Gellerup"

# query -> the titles that must be among the first ten hits (none: nothing may be found)
JUDGED: dict[str, list[str]] = {
    # exact words
    "klimatilpasning": [KLIMA_PROJECT, KLIMA_EVENT],
    "beboerdemokrati": [DEMOKRATI_PROJECT, DEMOKRATI_FOCUS],
    "betonbyggeri": [ENERGI_PROJECT],
    "skybrud": [REGNVAND],
    "regnvand": [REGNVAND],
    "indeklima": [SKIMMEL],
    "konference": [NEWSLETTER],
    "nyhedsbrev": [NEWSLETTER],
    "omstilling": [GELLERUP],
    "evaluering boligsociale": [EVALUERING],
    '"børn og unge"': [LEKTIECAFE],
    # parts of compounds, first and last, and prefixes while typing
    "klima": [KLIMA_PROJECT, KLIMA_EVENT, KLIMA_FOCUS],
    "klim": [KLIMA_PROJECT, KLIMA_EVENT, KLIMA_FOCUS],
    "tilpasning": [KLIMA_PROJECT, KLIMA_EVENT],
    "energi": [ENERGI_PROJECT, ENERGI_FOCUS],
    "renovering": [ENERGI_PROJECT, ENERGI_FOCUS],
    "beboer": [DEMOKRATI_PROJECT, DEMOKRATI_FOCUS],
    "demokrati": [DEMOKRATI_PROJECT, DEMOKRATI_FOCUS],
    "stigning": [ENERGI_FOCUS],
    "beton": [ENERGI_PROJECT],
    "arealer": [KLIMA_PROJECT],
    "vandringer": [TRYGHED_PUBLICATION],
    "skimmel": [SKIMMEL],
    "robuste boligområder": [KLIMA_FOCUS],
    # inflections
    "boligafdelinger": [REGNVAND],
    "helhedsplan": [HELHEDSPLANER],
    "varmepumpe": [VARME],
    "fjernvarmen": [VARME],
    "frivillig": [FRIVILLIGE],
    "venteliste": [VENTELISTER],
    "bæredygtig": [NYBYGGERI, NEWSLETTER],
    "trygheden": [TRYGHED_PROJECT, TRYGHED_PUBLICATION],
    # æ/ø/å and their aa/oe/ae spellings, and other accents
    "Aarhus": [AARHUS],
    "groenne gaarde": [GROENNE],
    "baeredygtige materialer": [NYBYGGERI],
    "lektiecafe": [LEKTIECAFE],
    "faellesskab": [FRIVILLIGE, WORKSHOP],
    # typos
    "klimatilpasing": [KLIMA_PROJECT, KLIMA_EVENT],
    "beboerdemokarti": [DEMOKRATI_PROJECT, DEMOKRATI_FOCUS],
    "energirenovring": [ENERGI_PROJECT, ENERGI_FOCUS],
    "fjernvame": [VARME],
    "helhetsplaner": [HELHEDSPLANER],
    # organisation names, and what the organisation is part of
    "Egelund": [EGELUND, KLIMA_PROJECT, EGELUND_PUBLICATION],
    "boligforeningen egelund": [EGELUND],
    "Vollsmose": [DEMOKRATI_PROJECT],
    # English words in Danish text
    "community": [WORKSHOP],
    "machine learning": [DATA],
    "dashboard": [DATA],
    "workshop": [WORKSHOP],
    # nonsense
    "xyzzyq": [],
    "qwrtzp vbnmx": [],
    "zzzzzzzz": [],
}


def _event(title: str, *, summary: str = "", body: str = "", day=(2026, 5, 1)) -> Event:
    event = Event.objects.create(
        title=title,
        slug=f"judged-{Event.objects.count()}",
        summary=summary,
        body=body,
        is_published=True,
    )
    start = timezone.make_aware(datetime.datetime(*day, 10, 0))
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    return event


def build_corpus() -> None:
    egelund = OrganisationFactory(name=EGELUND, municipality="Odense")
    OrganisationFactory(name=AARHUS, municipality="Aarhus")
    OrganisationFactory(name=GROENNE, municipality="Køge")
    neutral = OrganisationFactory(name="Fjordbyen Bolig")

    ProjectFactory(
        title=KLIMA_PROJECT,
        summary="Regnbede og grønne områder mellem blokkene.",
        description="<p>Afdelingen tager regnen på egen grund.</p>",
        owner=egelund,
    )
    ProjectFactory(
        title=ENERGI_PROJECT,
        summary="Nye facader og vinduer på etagebyggeri fra 1970'erne.",
        description="<p>Lavere varmeregning for beboerne.</p>",
        owner=neutral,
    )
    demokrati = ProjectFactory(
        title=DEMOKRATI_PROJECT,
        summary="Afdelingsmøder, som flere kommer til.",
        description="<p>Et forløb i Vollsmose med nye mødeformer.</p>",
        owner=neutral,
    )
    ParticipantFactory(project=demokrati, organisation=neutral)
    ProjectFactory(
        title=TRYGHED_PROJECT,
        summary="Lys og bedre indgange giver tryghed.",
        description="",
        owner=neutral,
    )
    ProjectFactory(
        title=GELLERUP,
        summary="Solceller og affaldssortering i Gellerup.",
        description="",
        owner=neutral,
    )

    _event(KLIMA_EVENT, summary="Erfaringer med regnvand i afdelingerne.")
    _event(TEMADAG, summary="Budget og regnskab for afdelingsbestyrelser.")
    _event(
        WORKSHOP,
        summary="Sådan bygger I et stærkt community i afdelingen.",
        body="Vi arbejder med fællesskab på tværs af opgangene.",
    )

    FocusAreaFactory(title=KLIMA_FOCUS, problem="Boligerne skal klare mere vand og varme.")
    FocusAreaFactory(
        title=ENERGI_FOCUS, problem="Renoveringen må ikke gøre boligerne dyrere at bo i."
    )
    FocusAreaFactory(title=DEMOKRATI_FOCUS, problem="Flere beboere skal være med.")

    publications = [
        (REGNVAND, "Erfaringer fra boligafdelingen med lokal afledning.", 2024),
        (HELHEDSPLANER, "Hvad virker i de udsatte områder.", 2023),
        (VARME, "Om at skifte fra gasfyr til varmepumpe eller fjernvarme.", 2025),
        (FRIVILLIGE, "Frivillige driver madklubben og fælleshuset.", 2022),
        (NYBYGGERI, "Træ, genbrug og bæredygtige løsninger.", 2025),
        (TRYGHED_PUBLICATION, "Beboerne går rundt i området og peger på mørke steder.", 2021),
        (LEKTIECAFE, "Hjælp til lektierne for børn og unge i afdelingen.", 2024),
        (VENTELISTER, "Hvordan ventelisterne fungerer.", 2023),
        (EVALUERING, "Evaluering af de boligsociale indsatser 2019-2023.", 2024),
        (SKIMMEL, "Fugt og dårligt indeklima i ældre byggeri.", 2022),
        (DATA, "Et dashboard og lidt machine learning hjælper driften.", 2025),
    ]
    for title, summary, year in publications:
        PublicationFactory(
            title=title, summary=summary, body="", published_on=datetime.date(year, 3, 1)
        )
    egelund_publication = PublicationFactory(
        title=EGELUND_PUBLICATION, summary="Tre afdelinger fortæller.", body=""
    )
    egelund_publication.organisations.add(egelund)

    Newsletter.objects.create(
        subject=NEWSLETTER,
        slug="judged-newsletter",
        intro="Mød os på årets konference om bæredygtighed i den almene sektor.",
        status=Newsletter.Status.SENT,
        issued_at=timezone.now() - datetime.timedelta(days=10),
    )
    # Not sent: not in the archive, so not searchable.
    Newsletter.objects.create(subject="Kladde om klimatilpasning", slug="judged-draft")
