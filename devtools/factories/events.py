import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from devtools.factories.members import UserFactory
from events.models import Event, EventSession, Registration


class EventFactory(DjangoModelFactory):
    """A published event in ten days, open for sign-up, with one session."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Seminar nr. {n}")
    slug = factory.Sequence(lambda n: f"seminar-{n}")
    kind = Event.Kind.SEMINAR
    summary = "Et seminar om almene boliger."
    venue_name = "Beboerhuset"
    venue_address = "Vej 1, 8000 Aarhus C"
    region = "midtjylland"
    capacity = 10
    member_price = Decimal("500.00")
    non_member_price = Decimal("900.00")
    is_published = True
    signup_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    signup_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=8))
    cancellation_deadline = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=3)
    )

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            start = timezone.now() + datetime.timedelta(days=10)
            extracted = [(start, start + datetime.timedelta(hours=4))]
        for starts_at, ends_at in extracted:
            EventSession.objects.create(event=self, starts_at=starts_at, ends_at=ends_at)


def past_event(**kwargs) -> Event:
    start = timezone.now() - datetime.timedelta(days=30)
    return EventFactory(
        sessions=[(start, start + datetime.timedelta(hours=3))],
        signup_opens_at=start - datetime.timedelta(days=40),
        signup_closes_at=start - datetime.timedelta(days=2),
        cancellation_deadline=None,
        **kwargs,
    )


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    price_category = Registration.PriceCategory.NON_MEMBER
    price = Decimal("900.00")
    confirmed_at = factory.LazyFunction(timezone.now)


def local_at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A Copenhagen wall-clock time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def sessions_from_today(days: int = 1) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Sessions on `days` consecutive dates from today, each the whole day long, so a test
    running at any hour is on the first one's date."""
    return [(local_at(n, 0, 5), local_at(n, 23, 55)) for n in range(days)]


def event_today(**kwargs) -> Event:
    """An event held today (Copenhagen date): check-in is open."""
    kwargs.setdefault("sessions", sessions_from_today(kwargs.pop("days", 1)))
    kwargs.setdefault("signup_closes_at", local_at(-1, 12))
    kwargs.setdefault("cancellation_deadline", local_at(-3, 12))
    return EventFactory(**kwargs)
