"""Demo publications about social housing. Fictional but plausible: none of them is, or
claims to be, a real report. One carries a small generated PDF, so downloads and the search in
PDF text can be tried. Idempotent: publications and tags are found by slug."""

import datetime

from django.core.files.base import ContentFile

from almennet.text import danish_slugify
from devtools.factories import ensure
from devtools.factories.publications import PublicationFactory, TagFactory
from devtools.pdf import simple_pdf
from events.models import Event
from members.models import Organisation
from projects.models import Project
from publications.models import Publication, Tag
from publications.services import publication_file_add

PUBLICATIONS = [
    {
        "slug": "tryghed-i-boligafdelingen-erfaringer",
        "title": "Tryghed i boligafdelingen: erfaringer fra fire opgange",
        "kind": Publication.Kind.REPORT,
        "summary": "Delrapport fra projektet Tryghed i opgangen. Hvad fortæller beboerne om "
        "tryghed, og hvilke tiltag gav den største forskel?",
        "body": "<p>Rapporten samler resultaterne af tryghedsvandringer og spørgeskemaer i fire "
        "boligafdelinger. Beboerne peger især på lys, rene trapper og at kende naboerne.</p>",
        "authors": "Mette Holm, Jonas Kjær",
        "published_on": datetime.date(2025, 9, 15),
        "tags": ["Tryghed", "Beboere"],
        "projects": ["tryghed-i-opgangen"],
        "events": ["erfa-netvaerk-boligsocial-indsats"],
        "publishers": ["byliv-og-bolig"],
        "pdf": [
            "Tryghed i boligafdelingen - delrapport (demo)",
            "",
            "Dette er en fiktiv demorapport fra AlmenNets portal.",
            "Fire boligafdelinger har gennemført tryghedsvandringer med beboerne.",
            "Belysning på trapper og ved indgange blev nævnt af flest beboere.",
            "Opgangsmøder hver tredje måned gav flere beboere lyst til at hilse på naboerne.",
            "Anbefaling: kombinér fysiske forbedringer med faste sociale aftaler i opgangen.",
        ],
    },
    {
        "slug": "guide-regnbede-i-almene-boligomraader",
        "title": "Guide: regnbede i almene boligområder",
        "kind": Publication.Kind.GUIDE,
        "summary": "Trin for trin fra idé til anlagt regnbed, med beboerinddragelse, drift og "
        "budget.",
        "body": "<p>Guiden er skrevet til driftsfolk og afdelingsbestyrelser. Den viser, hvordan "
        "regnvand kan håndteres lokalt og gøre friarealerne grønnere.</p>",
        "authors": "Søren Vestergaard",
        "published_on": datetime.date(2025, 4, 2),
        "tags": ["Klimatilpasning", "Friarealer"],
        "projects": ["klimatilpasning-af-friarealer"],
        "events": ["seminar-klimatilpasning"],
        "publishers": ["arkitektskolen-almene"],
    },
    {
        "slug": "haandbog-beboerdemokrati",
        "title": "Håndbog i beboerdemokrati for nye beboere",
        "kind": Publication.Kind.HANDBOOK,
        "summary": "En kort håndbog om afdelingsmødet, afdelingsbestyrelsen og beboernes "
        "indflydelse, skrevet i et enkelt sprog.",
        "body": "<p>Håndbogen er udviklet sammen med nye beboere og afprøvet i tre "
        "boligorganisationer.</p>",
        "authors": "Anne Lund, Peter Nielsen",
        "published_on": datetime.date(2024, 6, 20),
        "tags": ["Beboerdemokrati", "Beboere"],
        "projects": ["beboerdemokrati-for-nye-beboere"],
        "events": ["kursus-beboerdemokrati"],
        "publishers": ["nordisk-boligforskning"],
    },
    {
        "slug": "evaluering-beboerdemokrati-intern",
        "title": "Evaluering af velkomstforløb i beboerdemokratiet",
        "kind": Publication.Kind.REPORT,
        "summary": "Medlemmernes interne evaluering med tal fra de deltagende afdelinger.",
        "body": "<p>Evalueringen indeholder afdelingsvise resultater og er derfor kun for "
        "medlemmer.</p>",
        "authors": "AlmenNets sekretariat",
        "published_on": datetime.date(2024, 9, 1),
        "tags": ["Beboerdemokrati", "Evaluering"],
        "projects": ["beboerdemokrati-for-nye-beboere"],
        "events": [],
        "publishers": [],
        "is_member_only": True,
    },
    {
        "slug": "vaerktoej-tjekliste-energirenovering",
        "title": "Værktøj: tjekliste til energirenovering med beboerne hjemme",
        "kind": Publication.Kind.TOOL,
        "summary": "En tjekliste til byggemøder, beboerinformation og genhusning, når "
        "betonbyggeri energirenoveres.",
        "body": "<p>Tjeklisten følger renoveringens faser fra helhedsplan til aflevering.</p>",
        "authors": "",
        "published_on": datetime.date(2026, 1, 10),
        "tags": ["Renovering", "Energi"],
        "projects": ["energirenovering-af-betonbyggeri"],
        "events": ["projekt-topmoede"],
        "publishers": [],
    },
    {
        "slug": "case-faelleshus-som-samlingspunkt",
        "title": "Case: fælleshuset som samlingspunkt",
        "kind": Publication.Kind.CASE,
        "summary": "Hvordan en mindre boligafdeling fik liv i fælleshuset med madklub, "
        "lektiecafé og udlån til beboernes fester.",
        "body": "<p>Casen beskriver forløbet over to år og de frivilliges rolle.</p>",
        "authors": "Louise Berg",
        "published_on": datetime.date(2025, 11, 5),
        "tags": ["Fællesskab", "Beboere"],
        "projects": [],
        "events": [],
        "publishers": [],
    },
    {
        "slug": "artikel-seniorbofaellesskaber",
        "title": "Seniorbofællesskaber i den almene sektor",
        "kind": Publication.Kind.ARTICLE,
        "summary": "Flere ældre efterspørger fællesskab. Artiklen ser på, hvordan almene "
        "boligorganisationer kan indrette seniorbofællesskaber.",
        "body": "<p>Artiklen bygger på samtaler med beboere og boligorganisationer.</p>",
        "authors": "Rasmus Friis",
        "published_on": datetime.date(2025, 2, 18),
        "tags": ["Fællesskab", "Ældre"],
        "projects": [],
        "events": [],
        "publishers": [],
    },
    {
        "slug": "nyhedsbrev-2025-4",
        "title": "Nyhedsbrev nr. 4, 2025",
        "kind": Publication.Kind.NEWSLETTER,
        "summary": "Nyt fra projekterne, invitation til årsseminaret og årets publikationer.",
        "body": "<p>Læs om klimatilpasning af friarealer og tryghed i opgangen.</p>",
        "authors": "AlmenNets sekretariat",
        "published_on": datetime.date(2025, 12, 1),
        "tags": [],
        "projects": ["klimatilpasning-af-friarealer", "tryghed-i-opgangen"],
        "events": [],
        "publishers": [],
    },
]


def _tag(name: str) -> Tag:
    slug = danish_slugify(name)
    return ensure(TagFactory, lookup={"slug": slug}, name=name)[0]


def seed(*, stdout) -> None:
    created = 0
    members = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.HOUSING, member_since__isnull=False
        ).order_by("name")[:8]
    )
    for index, spec in enumerate(PUBLICATIONS):
        publication, was_created = ensure(
            PublicationFactory,
            lookup={"slug": spec["slug"]},
            title=spec["title"],
            kind=spec["kind"],
            summary=spec["summary"],
            body=spec["body"],
            authors=spec["authors"],
            published_on=spec["published_on"],
            is_member_only=spec.get("is_member_only", False),
            is_published=True,
        )
        created += was_created
        publication.tags.add(*[_tag(name) for name in spec["tags"]])
        publication.projects.add(*Project.objects.filter(slug__in=spec["projects"]))
        publication.events.add(*Event.objects.filter(slug__in=spec["events"]))
        publishers = list(Organisation.objects.filter(slug__in=spec["publishers"]))
        if members:
            publishers.append(members[index % len(members)])
        publication.organisations.add(*publishers)
        if spec.get("pdf") and not publication.files.exists():
            publication_file_add(
                publication=publication,
                upload=ContentFile(
                    simple_pdf(spec["pdf"], title=spec["title"]), name=f"{spec['slug']}.pdf"
                ),
                title="Rapporten som PDF",
            )
    stdout.write(f"publications: {created} new of {len(PUBLICATIONS)}")
