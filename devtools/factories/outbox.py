import uuid

import factory
from factory.django import DjangoModelFactory

from outbox.models import OutboxMessage


class OutboxMessageFactory(DjangoModelFactory):
    """A rendered mail in the delivery log, queued and due now (`.build()` for bulk_create)."""

    class Meta:
        model = OutboxMessage

    to = factory.Sequence(lambda n: f"modtager-{n}@example.dk")
    language = "da"
    template = "newsletters/mail/issue"
    subject = "Nyhedsbrev"
    body_text = "Hej"
    message_id = factory.LazyFunction(lambda: f"<{uuid.uuid4()}@almennet.dk>")
