"""Demo data for members: fictional organisations, people, the board and the Advisory Board.

Every name, number and address here is made up for the demo; none of it describes a real
organisation or person. The 54 member housing organisations add up to exactly 464,000 homes,
as AlmenNet's do. `seed()` is idempotent: everything is found by a natural key first.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from almennet.text import danish_slugify
from devtools.factories import ensure
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from members.groups import groups_sync
from members.models import Affiliation, Organisation, Seat, User
from members.services import seat_create
from members.validators import cvr_is_valid, gs1_check_digit

DEMO_PASSWORD = "almennet-demo"  # noqa: S105 - the published demo password
TOTAL_HOMES = 464_000
MEMBER_COUNT = 54

_PREFIXES = ["Boligselskabet", "Boligforeningen", "Den almene boligorganisation", "Boligkassen"]
_NAMES = [
    "Nordhavn",
    "Egelund",
    "Birkely",
    "Lærkereden",
    "Solsikken",
    "Kildebakken",
    "Møllegården",
    "Fjordlys",
    "Bøgeskoven",
    "Engblommen",
    "Havnefronten",
    "Lindely",
    "Strandengen",
    "Skovbrynet",
    "Hedebo",
    "Kastanjegården",
    "Åbrinken",
    "Grønnegården",
    "Vesterlund",
    "Østerhøj",
    "Sønderport",
    "Nordlys",
    "Pilegården",
    "Rosenhaven",
    "Højvangen",
    "Bakkedraget",
    "Mosevang",
    "Tårnborg",
    "Kløverengen",
    "Valmuen",
    "Ahornparken",
    "Klinten",
    "Sandager",
    "Mågestien",
    "Fyrrelunden",
    "Enghaven",
    "Stjerneborg",
    "Åløkken",
    "Hybenhaven",
    "Stormgården",
    "Nøddeparken",
    "Tranebo",
    "Havtornen",
    "Kornmarken",
    "Vibeengen",
    "Skrænten",
    "Lysningen",
    "Ravnsborg",
    "Dalgården",
    "Bølgen",
    "Hjortevangen",
    "Kastellet Syd",
    "Granhøj",
    "Vildrosen",
]
# (municipality, region), a spread over the five regions
_PLACES = [
    ("København", "hovedstaden"),
    ("Frederiksberg", "hovedstaden"),
    ("Gladsaxe", "hovedstaden"),
    ("Høje-Taastrup", "hovedstaden"),
    ("Albertslund", "hovedstaden"),
    ("Hillerød", "hovedstaden"),
    ("Roskilde", "sjaelland"),
    ("Næstved", "sjaelland"),
    ("Slagelse", "sjaelland"),
    ("Holbæk", "sjaelland"),
    ("Køge", "sjaelland"),
    ("Odense", "syddanmark"),
    ("Esbjerg", "syddanmark"),
    ("Kolding", "syddanmark"),
    ("Vejle", "syddanmark"),
    ("Svendborg", "syddanmark"),
    ("Aarhus", "midtjylland"),
    ("Randers", "midtjylland"),
    ("Horsens", "midtjylland"),
    ("Herning", "midtjylland"),
    ("Viborg", "midtjylland"),
    ("Aalborg", "nordjylland"),
    ("Hjørring", "nordjylland"),
    ("Frederikshavn", "nordjylland"),
]
_PARTNERS = [
    ("Institut for Byliv og Bolig", Organisation.Kind.KNOWLEDGE, "byliv-og-bolig"),
    ("Nordisk Center for Boligforskning", Organisation.Kind.KNOWLEDGE, "nordisk-boligforskning"),
    ("Arkitektskolen for Almene Boliger", Organisation.Kind.KNOWLEDGE, "arkitektskolen-almene"),
    ("Fonden for Gode Boligområder", Organisation.Kind.FINANCIAL, "fonden-gode-boligomraader"),
    ("Boligfinans Partnerskab", Organisation.Kind.FINANCIAL, "boligfinans-partnerskab"),
    ("Netværket for Lokal Beskæftigelse", Organisation.Kind.OTHER, "netvaerket-lokal-beskaeft"),
]
_FIRST = [
    "Anne",
    "Peter",
    "Mette",
    "Lars",
    "Susanne",
    "Jens",
    "Hanne",
    "Søren",
    "Camilla",
    "Mads",
    "Louise",
    "Henrik",
    "Maja",
    "Rasmus",
    "Ida",
    "Thomas",
    "Sofie",
    "Jakob",
    "Line",
    "Morten",
    "Karen",
    "Mikkel",
    "Birgitte",
    "Anders",
    "Julie",
    "Niels",
    "Tina",
]
_LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Holm",
]


def home_counts(total: int = TOTAL_HOMES, count: int = MEMBER_COUNT) -> list[int]:
    """A few large organisations and many small ones, adding up to exactly `total`."""
    weights = [1 / (index + 3) ** 1.2 for index in range(count)]
    scale = total / sum(weights)
    homes = [max(150, round(w * scale / 10) * 10) for w in weights]
    homes[0] += total - sum(homes)
    return homes


def demo_cvr(index: int) -> str:
    number = 31_000_000 + index * 1_361
    while not cvr_is_valid(str(number)):
        number += 1
    return str(number)


def demo_ean(index: int) -> str:
    digits = f"579800{index:06d}"
    return digits + str(gs1_check_digit(digits))


def _slug(text: str) -> str:
    return danish_slugify(text)


def _person(email: str, first: str, last: str, *, password: str | None = None, **extra) -> User:
    # UserFactory hashes the password; None gives an unusable one (no login).
    user, _created = ensure(
        UserFactory,
        lookup={"email": email},
        first_name=first,
        last_name=last,
        password=password,
        **extra,
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _affiliate(user, organisation, role, *, starts_on=datetime.date(2020, 1, 1)):
    return ensure(
        AffiliationFactory,
        lookup={"user": user, "organisation": organisation, "role": role},
        starts_on=starts_on,
        confirmed_at=timezone.now(),
    )[0]


def _organisation(slug: str, **fields) -> Organisation:
    """Created by the factory, or brought back to the demo's values if it exists. What the
    factory would fill in but a demo organisation leaves empty is given as empty."""
    empty = {"homes": 0, "region": "", "member_since": None, "member_until": None}
    return ensure(OrganisationFactory, lookup={"slug": slug}, update=True, **{**empty, **fields})[0]


def _seat(user, body, role, organisation, starts_on):
    if Seat.objects.filter(user=user, body=body, role=role, starts_on=starts_on).exists():
        return
    seat_create(
        user=user, body=body, role=role, starts_on=starts_on, organisation=organisation, actor=None
    )


def seed(*, stdout) -> None:
    members = []
    for index, (name, homes) in enumerate(zip(_NAMES, home_counts(), strict=True)):
        full_name = f"{_PREFIXES[index % len(_PREFIXES)]} {name}"
        municipality, region = _PLACES[index % len(_PLACES)]
        organisation = _organisation(
            _slug(full_name),
            name=full_name,
            short_name=name,
            kind=Organisation.Kind.HOUSING,
            homes=homes,
            municipality=municipality,
            region=region,
            website=f"https://{_slug(name)}.example",
            cvr=demo_cvr(index),
            ean=demo_ean(index) if index % 3 == 0 else "",
            member_since=datetime.date(2007 + index % 15, 1 + index % 12, 1),
            invoice_contact_name="Bogholderiet",
            invoice_contact_email=f"faktura@{_slug(name)}.example",
        )
        members.append(organisation)
    # A former member: shown in the admin, not counted among the 54.
    _organisation(
        "boligforeningen-gammelby",
        name="Boligforeningen Gammelby",
        kind=Organisation.Kind.HOUSING,
        homes=420,
        municipality="Sorø",
        region="sjaelland",
        member_since=datetime.date(2009, 1, 1),
        member_until=datetime.date(2023, 12, 31),
    )
    partners = []
    for index, (name, kind, slug) in enumerate(_PARTNERS):
        organisation = _organisation(slug, name=name, kind=kind, cvr=demo_cvr(100 + index))
        partners.append(organisation)

    # People: a contact person and a representative at every member organisation.
    people = []
    for index, organisation in enumerate(members):
        for offset, role in enumerate((Affiliation.Role.CONTACT, Affiliation.Role.REPRESENTATIVE)):
            n = index * 2 + offset
            first, last = _FIRST[n % len(_FIRST)], _LAST[(n * 7) % len(_LAST)]
            person = _person(
                f"{_slug(first)}.{_slug(last)}.{n}@{organisation.slug}.example",
                first,
                last,
                phone=f"+45 70 {10 + n // 100:02d} {n % 100:02d} 00",
                job_title="Udviklingskonsulent" if offset == 0 else "Direktør",
            )
            _affiliate(person, organisation, role)
            if role == Affiliation.Role.REPRESENTATIVE and organisation.council_voter_id is None:
                # The secretariat's choice of who casts the organisation's council vote.
                organisation.council_voter = person
                organisation.save(update_fields=["council_voter"])
            people.append(person)
    partner_people = []
    for index, organisation in enumerate(partners):
        first, last = _FIRST[(index + 5) % len(_FIRST)], _LAST[(index * 3 + 1) % len(_LAST)]
        person = _person(
            f"{_slug(first)}.{_slug(last)}@{organisation.slug}.example",
            first,
            last,
            job_title="Seniorforsker" if organisation.kind == "knowledge" else "Programchef",
        )
        _affiliate(person, organisation, Affiliation.Role.CONTACT)
        partner_people.append(person)

    # The three demo logins.
    chair = _person(
        "formand@almennet.dk",
        "Birthe",
        "Formand",
        password=DEMO_PASSWORD,
        phone="+45 70 00 00 01",
        job_title="Direktør",
    )
    _affiliate(chair, members[0], Affiliation.Role.REPRESENTATIVE)
    member = _person(
        "medlem@almennet.dk",
        "Morten",
        "Medlem",
        password=DEMO_PASSWORD,
        phone="+45 70 00 00 02",
        job_title="Boligsocial medarbejder",
    )
    _affiliate(member, members[1], Affiliation.Role.REPRESENTATIVE)
    staff = _person(
        "sekretariat@almennet.dk",
        "Signe",
        "Sekretariat",
        password=DEMO_PASSWORD,
        is_staff=True,
        job_title="Sekretariatschef",
    )
    groups_sync()
    staff.groups.add(Group.objects.get(name="Secretariat"))

    # The board since the 2024 representative council meeting, and the Advisory Board.
    elected = datetime.date(2024, 4, 18)
    _seat(chair, Seat.Body.BOARD, Seat.Role.CHAIR, members[0], elected)
    _seat(people[3], Seat.Body.BOARD, Seat.Role.VICE_CHAIR, members[1], elected)
    for index in range(2, 7):
        _seat(people[index * 2 + 1], Seat.Body.BOARD, Seat.Role.MEMBER, members[index], elected)
    for index in range(7, 9):
        _seat(people[index * 2 + 1], Seat.Body.BOARD, Seat.Role.SUBSTITUTE, members[index], elected)
    advisory = datetime.date(2022, 9, 1)
    _seat(partner_people[0], Seat.Body.ADVISORY, Seat.Role.CHAIR, partners[0], advisory)
    for person, organisation in zip(partner_people[1:5], partners[1:5], strict=True):
        _seat(person, Seat.Body.ADVISORY, Seat.Role.MEMBER, organisation, advisory)
    for index in range(10, 13):
        _seat(people[index * 2], Seat.Body.ADVISORY, Seat.Role.MEMBER, members[index], advisory)

    stdout.write(
        f"members: {len(members)} member organisations "
        f"({sum(o.homes for o in members):,} homes), {len(partners)} partners, "
        f"{User.objects.count()} people; logins formand@, medlem@ and sekretariat@almennet.dk "
        f"with the password {DEMO_PASSWORD!r}."
    )
