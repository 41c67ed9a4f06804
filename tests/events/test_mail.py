"""The event mails: every kind renders in Danish and English, through the outbox."""

import pytest
from django.core import mail

from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import UserFactory
from events import mail as event_mail
from events import services
from events.models import Registration
from outbox.models import OutboxMessage
from outbox.services import message_render

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", event_mail.KINDS)
def test_every_mail_renders_in_both_languages(kind, language):
    registration = RegistrationFactory(
        user=UserFactory(language=language, first_name="Sofie"),
        event=EventFactory(title="Årsseminar"),
        status=Registration.Status.WAITING if kind == "waiting" else "confirmed",
        waiting_position=1,
    )
    event_mail.registration_mail_queue(registration=registration, kind=kind)
    message = OutboxMessage.objects.get()
    assert message_render(message=message)
    assert "Årsseminar" in message.subject
    assert "Sofie" in message.body_text and "Årsseminar" in message.body_html
    assert registration.event.get_absolute_url() in message.body_text
    assert message.language == language
    assert message.attachments.exists() == (kind in event_mail.WITH_CALENDAR_FILE)


def test_danish_confirmation_reads_danish():
    registration = RegistrationFactory(user=UserFactory(language="da"))
    event_mail.registration_mail_queue(registration=registration, kind="confirmation")
    message = OutboxMessage.objects.get()
    assert message_render(message=message)
    assert message.subject.startswith("Du er tilmeldt")
    assert OutboxMessage.objects.get().subject.startswith("Du er tilmeldt")


def test_the_same_mail_is_never_queued_twice():
    registration = RegistrationFactory()
    for _ in range(3):
        event_mail.registration_mail_queue(registration=registration, kind="reminder")
    assert OutboxMessage.objects.count() == 1


def test_erased_participant_gets_no_mail():
    registration = RegistrationFactory(user=None)
    event_mail.registration_mail_queue(registration=registration, kind="cancellation")
    assert not OutboxMessage.objects.exists()


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        event_mail.registration_mail_queue(registration=RegistrationFactory(), kind="spam")


def test_confirmation_is_delivered_after_commit_with_the_ics(run_on_commit):
    user = UserFactory()
    run_on_commit(services.event_signup, event=EventFactory(title="Kursus"), user=user, answers={})
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [user.email]
    assert [a.filename for a in sent.attachments] == [
        f"{Registration.objects.get().event.slug}.ics"
    ]
    content = sent.attachments[0].content
    assert "BEGIN:VEVENT" in (content.decode() if isinstance(content, bytes) else content)
