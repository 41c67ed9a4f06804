import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from newsletters.models import Newsletter, Subscriber


class SubscriberFactory(DjangoModelFactory):
    """A confirmed Danish subscriber (confirmed_at only when the status says confirmed)."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"abonnent{n}@example.dk")
    status = Subscriber.Status.CONFIRMED
    language = "da"
    confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Subscriber.Status.CONFIRMED else None
    )


class NewsletterFactory(DjangoModelFactory):
    """A draft newsletter."""

    class Meta:
        model = Newsletter
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Nyhedsbrev nr. {n}")
    slug = factory.Sequence(lambda n: f"nyhedsbrev-{n}")
    intro = "Nyt fra AlmenNet"
    body = "<p>Hej <strong>alle</strong></p>"
