"""Demo events: past and upcoming, of the kinds AlmenNet holds, with sessions, venues, prices and
some registrations of the members demo's people (looked up; skipped when they are absent).

Dates are relative to today, so the demo always has upcoming events. Idempotent: events are
found by slug, registrations by (event, person). Registrations are written directly, not through
the services, so seeding queues no mail.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from devtools.factories import ensure
from devtools.factories.events import EventFactory, RegistrationFactory
from events.models import Event, Registration

Status = Registration.Status


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


EVENTS = [
    {
        "slug": "aarsseminar-sidste-aar",
        "title": "Årsseminar: Fremtidens almene boligområder",
        "kind": Event.Kind.ANNUAL_SEMINAR,
        "summary": "Årets store samling for medlemmerne: oplæg, workshops og netværk om, hvordan "
        "vi fremtidssikrer de almene boligområder.",
        "body": "<p>To dage med oplæg fra forskere og praktikere, workshops om klimatilpasning, "
        "beboerdemokrati og boligsocial indsats, og middag med netværk.</p>",
        "venue_name": "Hotel Fjordlys Konferencecenter",
        "venue_address": "Fjordvej 12, 7100 Vejle",
        "region": "syddanmark",
        "capacity": 180,
        "member_price": Decimal("1950"),
        "non_member_price": Decimal("3450"),
        "sessions": [(-330, 9, 17), (-329, 9, 15)],
        "registrations": [Status.ATTENDED] * 6 + [Status.NO_SHOW, Status.CANCELLED],
    },
    {
        "slug": "aarsseminar",
        "title": "Årsseminar: Almene boliger i 100 år",
        "kind": Event.Kind.ANNUAL_SEMINAR,
        "summary": "Vi ser 50 til 100 år frem: hvilke tendenser former de almene boligområder, og "
        "hvad gør vi ved det nu?",
        "body": "<p>Årsseminaret samler medlemmer, samarbejdspartnere og Advisory Board.</p>"
        "<ul><li>Trendradar: 10, 25, 50 og 100 år frem</li><li>Workshops om fokusområderne</li>"
        "<li>Festmiddag</li></ul>",
        "venue_name": "Hotel Fjordlys Konferencecenter",
        "venue_address": "Fjordvej 12, 7100 Vejle",
        "region": "syddanmark",
        "capacity": 180,
        "member_price": Decimal("1950"),
        "non_member_price": Decimal("3450"),
        "cancellation": 30,
        "sessions": [(35, 9, 17), (36, 9, 15)],
        "registrations": [Status.CONFIRMED] * 5,
    },
    {
        "slug": "erfa-netvaerk-boligsocial-indsats",
        "title": "ERFA-netværksmøde: Boligsocial indsats",
        "kind": Event.Kind.NETWORK_MEETING,
        "summary": "Erfaringsudveksling mellem boligsociale medarbejdere: hvad virker, og hvad "
        "gør vi anderledes?",
        "body": "<p>Netværksmødet er gratis for medlemmer og samarbejdspartnere.</p>",
        "venue_name": "Beboerhuset Egelund",
        "venue_address": "Egelundsvej 4, 8200 Aarhus N",
        "region": "midtjylland",
        "capacity": 6,
        "sessions": [(12, 13, 16)],
        "registrations": [Status.CONFIRMED] * 6 + [Status.WAITING] * 2,
    },
    {
        "slug": "kursus-beboerdemokrati",
        "title": "Kursus: Beboerdemokrati og bestyrelsesarbejde",
        "kind": Event.Kind.COURSE,
        "summary": "Et kursus over tre dage for afdelingsbestyrelser og medarbejdere: roller, "
        "regler og gode møder.",
        "body": "<p>Kurset bookes samlet: du tilmelder dig alle tre dage på én gang. Du får et "
        "kursusbevis, når du har deltaget.</p>",
        "venue_name": "AlmenNets mødelokaler",
        "venue_address": "Studiestræde 50, 1554 København V",
        "region": "hovedstaden",
        "capacity": 24,
        "member_price": Decimal("2400"),
        "non_member_price": Decimal("3900"),
        "cancellation": 14,
        "sessions": [(21, 9, 15), (28, 9, 15), (35, 9, 15)],
        "registrations": [Status.CONFIRMED] * 3,
    },
    {
        "slug": "kursus-projektledelse-forrige",
        "title": "Kursus: Projektledelse i boligsociale projekter",
        "kind": Event.Kind.COURSE,
        "summary": "To kursusdage om at lede udviklingsprojekter med mange parter.",
        "venue_name": "AlmenNets mødelokaler",
        "venue_address": "Studiestræde 50, 1554 København V",
        "region": "hovedstaden",
        "capacity": 20,
        "member_price": Decimal("1800"),
        "non_member_price": Decimal("2900"),
        "sessions": [(-60, 9, 15), (-53, 9, 15)],
        "registrations": [Status.ATTENDED] * 4 + [Status.NO_SHOW],
    },
    {
        "slug": "uddannelse-boligsocial-leder",
        "title": "Uddannelse: Boligsocial leder",
        "kind": Event.Kind.EDUCATION,
        "summary": "En længere uddannelse over fire moduler. Optagelse efter ansøgning.",
        "body": "<p>Skriv i din ansøgning, hvorfor du søger, og hvad du vil bruge uddannelsen "
        "til. Sekretariatet vurderer ansøgningerne.</p>",
        "venue_name": "Nordisk Center for Boligforskning",
        "venue_address": "Universitetsparken 3, 8000 Aarhus C",
        "region": "midtjylland",
        "capacity": 16,
        "member_price": Decimal("12500"),
        "non_member_price": Decimal("18500"),
        "requires_approval": True,
        "cancellation": 30,
        "sessions": [(60, 9, 16), (90, 9, 16), (120, 9, 16), (150, 9, 16)],
        "registrations": [Status.PENDING, Status.PENDING],
    },
    {
        "slug": "repraesentantskabsmoede",
        "title": "Repræsentantskabsmøde",
        "kind": Event.Kind.COUNCIL_MEETING,
        "summary": "Det ordinære repræsentantskabsmøde med beretning, regnskab og valg.",
        "body": "<p>Hver medlemsorganisation har én repræsentant med stemmeret.</p>",
        "venue_name": "Kulturhuset Birkely",
        "venue_address": "Birkevej 20, 5000 Odense C",
        "region": "syddanmark",
        "capacity": 120,
        "sessions": [(45, 13, 17)],
        "registrations": [Status.CONFIRMED] * 4,
    },
    {
        "slug": "projekt-topmoede",
        "title": "Projekt-Topmøde: Fokusområderne under pres",
        "kind": Event.Kind.SUMMIT,
        "summary": "Boligorganisationer, vidensorganisationer og fonde stresstester "
        "fokusområderne og giver praktisk, teoretisk og finansiel opbakning.",
        "body": "<p>Topmødet er AlmenNets mødested for samarbejdspartnere. Bestyrelsen prioriterer "
        "fokusområderne bagefter.</p>",
        "venue_name": "Arkitektskolen for Almene Boliger",
        "venue_address": "Havnepladsen 1, 9000 Aalborg",
        "region": "nordjylland",
        "capacity": 80,
        "member_price": Decimal("0"),
        "non_member_price": Decimal("950"),
        "sessions": [(70, 10, 16)],
        "registrations": [Status.CONFIRMED] * 3,
    },
    {
        "slug": "seminar-klimatilpasning",
        "title": "Seminar: Klimatilpasning i almene boligområder",
        "kind": Event.Kind.SEMINAR,
        "summary": "Skybrud, varme og grønne gårdrum: erfaringer fra tre boligorganisationer.",
        "venue_name": "Kildebakken Beboerhus",
        "venue_address": "Kildebakken 2, 4000 Roskilde",
        "region": "sjaelland",
        "capacity": 60,
        "member_price": Decimal("600"),
        "non_member_price": Decimal("1200"),
        "cancellation": 5,
        "sessions": [(18, 9, 13)],
        "registrations": [Status.CONFIRMED] * 2,
    },
]


def _people():
    User = get_user_model()
    return list(
        User.objects.filter(is_staff=False, affiliations__confirmed_at__isnull=False)
        .prefetch_related("affiliations__organisation")
        .distinct()
        .order_by("email")[:40]
    )


def seed(*, stdout) -> None:
    User = get_user_model()
    contact = User.objects.filter(email="sekretariat@almennet.dk").first()
    people = _people()
    created = 0
    for index, spec in enumerate(EVENTS):
        spec = dict(spec)
        sessions = spec.pop("sessions")
        statuses = spec.pop("registrations")
        cancellation = spec.pop("cancellation", None)
        first_day = sessions[0][0]
        defaults = {
            **spec,
            "is_published": True,
            "contact": contact,
            "signup_opens_at": _at(min(first_day - 90, -10), 9),
            "signup_closes_at": _at(first_day - 2, 23, 59),
            "cancellation_deadline": _at(first_day - cancellation, 12) if cancellation else None,
        }
        session_times = [
            (_at(days, start_hour), _at(days, end_hour)) for days, start_hour, end_hour in sessions
        ]
        # What the test factory would fill in but a demo event leaves at the model's default.
        defaults = {"member_price": Decimal(0), "non_member_price": Decimal(0), **defaults}
        event, was_created = ensure(
            EventFactory, lookup={"slug": defaults.pop("slug")}, sessions=session_times, **defaults
        )
        created += was_created
        if not people:
            continue
        waiting = 0
        for offset, status in enumerate(statuses):
            person = people[(index * 5 + offset) % len(people)]
            if Registration.objects.filter(event=event, user=person).exists():
                continue
            affiliation = next(iter(person.affiliations.all()), None)
            organisation = affiliation.organisation if affiliation else None
            is_member = bool(organisation and organisation.has_active_membership())
            if status == Status.WAITING:
                waiting += 1
            RegistrationFactory(
                event=event,
                user=person,
                organisation=organisation,
                status=status,
                price_category=Registration.PriceCategory.MEMBER
                if is_member
                else Registration.PriceCategory.NON_MEMBER,
                price=event.member_price if is_member else event.non_member_price,
                waiting_position=waiting if status == Status.WAITING else None,
                confirmed_at=timezone.now() if status in Registration.SEAT_STATUSES else None,
                cancelled_at=timezone.now() if status == Status.CANCELLED else None,
                checked_in_at=event.sessions.first().starts_at
                if status == Status.ATTENDED
                else None,
            )
    stdout.write(f"events: {created} new demo events, {len(EVENTS)} in all.")
