"""Demo data for newsletters: a few subscribers with their consent, one newsletter in the archive.

The addresses are made up (example.dk). `seed()` is idempotent: subscribers are found by address,
the newsletter by slug. Nothing is queued: the demo issue is archived as already sent.
"""

import datetime

from django.utils import timezone

from devtools.factories import ensure
from devtools.factories.newsletters import NewsletterFactory, SubscriberFactory
from newsletters.models import Consent, Newsletter, Subscriber
from newsletters.services import CONSENT_TEXT

_SUBSCRIBERS = [
    ("karen.holm@example.dk", "Karen Holm", "da"),
    ("jonas.lund@example.dk", "Jonas Lund", "da"),
    ("mette.skov@example.dk", "Mette Skov", "da"),
    ("sara.berg@example.dk", "Sara Berg", "en"),
]

_BODY = """<p>Kære medlemmer og samarbejdspartnere</p>
<p>Foråret står i de almene boligområders tegn: vi samles til årsmøde, sætter nye
udviklingsprojekter i gang og udgiver erfaringer fra boligorganisationerne.</p>
<h2>Strategien i praksis</h2>
<p>Bestyrelsen har udvalgt de prioriterede fokusområder efter input fra medlemmerne og
Advisory Board. Læs mere om dem på portalen under <a href="/strategy/">Strategi</a>.</p>
<ul>
<li>Tilmeld dig arrangementerne i god tid: pladserne fordeles efter først til mølle.</li>
<li>Del jeres projekter med netværket, så flere kan lære af dem.</li>
</ul>"""


def seed(*, stdout) -> None:
    now = timezone.now()
    created = 0
    for index, (email, name, language) in enumerate(_SUBSCRIBERS):
        consented_at = now - datetime.timedelta(days=120 - index * 10)
        subscriber, is_new = ensure(
            SubscriberFactory,
            lookup={"email": email},
            name=name,
            language=language,
            status=Subscriber.Status.CONFIRMED,
            created_at=consented_at,
            confirmed_at=consented_at + datetime.timedelta(minutes=7),
        )
        if is_new:
            created += 1
            Consent.objects.bulk_create(
                [
                    Consent(
                        subscriber=subscriber,
                        action=Consent.Action.REQUESTED,
                        source="website form /newsletter/",
                        text=str(CONSENT_TEXT),
                        at=consented_at,
                    ),
                    Consent(
                        subscriber=subscriber,
                        action=Consent.Action.CONFIRMED,
                        source="confirmation link",
                        text=str(CONSENT_TEXT),
                        at=consented_at + datetime.timedelta(minutes=7),
                    ),
                ]
            )

    issued = now - datetime.timedelta(days=21)
    newsletter, is_new = ensure(
        NewsletterFactory,
        lookup={"slug": "nyhedsbrev-foraar"},
        subject="Nyhedsbrev: årsmøde, nye projekter og strategien i praksis",
        intro="Nyt fra AlmenNet om arrangementer, projekter og publikationer.",
        body=_BODY,
        status=Newsletter.Status.SENT,
        issued_at=issued,
        finished_at=issued + datetime.timedelta(minutes=3),
    )
    if is_new:
        _link_cards(newsletter)
    stdout.write(f"newsletters: {created} new subscribers, newsletter archive ready")


def _link_cards(newsletter: Newsletter) -> None:
    """Cards for whatever the other apps' demo data published (none is fine)."""
    from events.models import Event
    from projects.models import Project
    from publications.models import Publication

    newsletter.events.set(Event.objects.filter(is_published=True).order_by("id")[:2])
    newsletter.publications.set(Publication.objects.filter(is_published=True).order_by("id")[:2])
    newsletter.projects.set(Project.objects.filter(is_published=True).order_by("id")[:1])
