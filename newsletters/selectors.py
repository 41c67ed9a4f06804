"""Reads of the newsletters app: who a newsletter goes to, what it shows, how far sending is."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from events.models import Registration
from members.models import Affiliation, Seat, User
from outbox.models import OutboxMessage, SuppressedAddress
from outbox.validators import email_normalise

from .models import Newsletter, Subscriber


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    user_id: int | None = None


def _people(users_queryset) -> list[Recipient]:
    rows = users_queryset.filter(is_active=True).values_list("email", "language", "id")
    return [Recipient(email_normalise(email), language, pk) for email, language, pk in rows]


def _participants(newsletter: Newsletter) -> list[Recipient]:
    """People holding a seat at the chosen events (confirmed, attended)."""
    event_ids = list(newsletter.to_participants_of.values_list("id", flat=True))
    if not event_ids:
        return []
    user_ids = Registration.objects.filter(
        event_id__in=event_ids, status__in=Registration.SEAT_STATUSES, user__isnull=False
    ).values("user_id")
    return _people(User.objects.filter(id__in=user_ids))


def newsletter_audience(*, newsletter: Newsletter) -> list[Recipient]:
    """Every address the newsletter goes to, once each, without unsubscribed or failing
    addresses. A subscriber's own language wins over a person's profile language."""
    found: dict[str, Recipient] = {}

    def add(recipients):
        for recipient in recipients:
            found.setdefault(recipient.email, recipient)

    if newsletter.to_subscribers:
        add(
            Recipient(email, language, user_id)
            for email, language, user_id in Subscriber.objects.filter(
                status=Subscriber.Status.CONFIRMED
            ).values_list("email", "language", "user_id")
        )
    if newsletter.to_member_contacts:
        contacts = Affiliation.objects.counting_as_member().filter(role=Affiliation.Role.CONTACT)
        add(_people(User.objects.filter(id__in=contacts.values("user_id"))))
    if newsletter.to_seat_holders:
        add(_people(User.objects.filter(id__in=Seat.objects.current().values("user_id"))))
    add(_participants(newsletter))

    excluded = set(
        Subscriber.objects.filter(
            email__in=found, status=Subscriber.Status.UNSUBSCRIBED
        ).values_list("email", flat=True)
    ) | set(SuppressedAddress.objects.filter(email__in=found).values_list("email", flat=True))
    return sorted(
        (r for email, r in found.items() if email not in excluded and "@" in email),
        key=lambda r: r.email,
    )


@dataclass(frozen=True)
class Card:
    kind: str
    title: str
    summary: str
    url: str
    when: object = None


def newsletter_cards(*, newsletter: Newsletter) -> list[Card]:
    """The linked events, publications and projects, as cards with absolute links."""
    site = settings.SITE_URL
    cards = [
        Card(_("Event"), e.title, e.summary, site + e.get_absolute_url(), e.first_start)
        for e in newsletter.events.annotate(first_start=Min("sessions__starts_at")).order_by(
            "first_start", "id"
        )
    ]
    cards += [
        Card(_("Publication"), p.title, p.summary, site + p.get_absolute_url(), p.published_on)
        for p in newsletter.publications.order_by("-published_on", "id")
    ]
    cards += [
        Card(_("Project"), p.title, p.summary, site + p.get_absolute_url())
        for p in newsletter.projects.order_by("title", "id")
    ]
    return cards


def newsletter_progress(*, newsletter: Newsletter) -> dict[str, int]:
    """Counts per delivery status (queued includes sending), in one query."""
    counts = (
        dict(
            OutboxMessage.objects.filter(batch_id=newsletter.batch_id)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        if newsletter.batch_id
        else {}
    )
    return {
        "total": sum(counts.values()),
        "queued": counts.get(OutboxMessage.Status.QUEUED, 0)
        + counts.get(OutboxMessage.Status.SENDING, 0),
        "sent": counts.get(OutboxMessage.Status.SENT, 0),
        "failed": counts.get(OutboxMessage.Status.FAILED, 0),
        "skipped": counts.get(OutboxMessage.Status.SKIPPED, 0),
    }


def subscriber_for_user(*, user) -> Subscriber | None:
    if not (user and user.is_authenticated):
        return None
    return Subscriber.objects.filter(email=email_normalise(user.email)).first()


def subscriber_confirmed(*, email: str) -> Subscriber | None:
    """The subscriber at the address if their subscription is confirmed (a confirmation link
    opened a second time has nothing left to ask)."""
    return Subscriber.objects.filter(
        email=email_normalise(email), status=Subscriber.Status.CONFIRMED
    ).first()


def unsubscribed_among(*, addresses) -> list[str]:
    """Those of the addresses that unsubscribed (bulk mail skips them)."""
    return list(
        Subscriber.objects.filter(
            email__in=addresses, status=Subscriber.Status.UNSUBSCRIBED
        ).values_list("email", flat=True)
    )


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def user_subscription_data(*, user) -> dict:
    """A person's newsletter subscription and consents, for their data export."""
    email = email_normalise(user.email)
    subscriber = Subscriber.objects.filter(email=email).prefetch_related("consents").first()
    return {
        "newsletter_subscription": None
        if subscriber is None
        else {
            "email": subscriber.email,
            "name": subscriber.name,
            "status": subscriber.status,
            "language": subscriber.language,
            "created_at": subscriber.created_at.isoformat(),
            "confirmed_at": _iso(subscriber.confirmed_at),
            "unsubscribed_at": _iso(subscriber.unsubscribed_at),
            "consents": [
                {"action": c.action, "source": c.source, "text": c.text, "at": c.at.isoformat()}
                for c in subscriber.consents.all()
            ],
        },
    }
