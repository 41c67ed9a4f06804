import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from devtools.factories.members import UserFactory
from outbox.models import OutboxMessage
from outbox.services import message_queue

pytestmark = pytest.mark.django_db


def test_queued_message_is_delivered_after_commit_with_html_and_attachment(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            to="Anna@Example.DK",
            template="mailings_test/hello",
            context={"thing": "Årsmøde"},
            attachments=[("event.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
            language="en",
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["anna@example.dk"]
    assert sent.subject == "Confirmation: Årsmøde"
    assert "Hello, Årsmøde & co. http" in sent.body  # plain text is not HTML-escaped
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and "Årsmøde" in html and "#1d5c47" in html
    assert [a.filename for a in sent.attachments] == ["event.ics"]
    assert sent.attachments[0].mimetype == "text/calendar"
    assert sent.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.sent_at is not None


def test_message_is_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    danish = UserFactory(language="da")
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(
            to=danish,
            template="newsletters/mail/subscribe_confirm",
            context={"confirm_url": "http://x/", "valid_days": 7},
        )
    assert mail.outbox[0].subject == "Bekræft dit abonnement på AlmenNets nyhedsbrev"


def test_queueing_in_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                message_queue(
                    to="a@example.dk", template="mailings_test/hello", context={"thing": "x"}
                )
                raise RuntimeError("the change that caused the mail failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_same_dedup_key_queues_and_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = message_queue(
            to="a@example.dk",
            template="mailings_test/hello",
            context={"thing": "x"},
            dedup_key="test:1",
        )
        second = message_queue(
            to="a@example.dk",
            template="mailings_test/hello",
            context={"thing": "x"},
            dedup_key="test:1",
        )
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("address", ["nobody", "a@localhost", "a@b", "a@-x.dk", "a@x..dk", ""])
def test_invalid_address_is_refused_with_a_clear_message(address):
    with pytest.raises(ValidationError) as error:
        message_queue(to=address, template="mailings_test/hello", context={"thing": "x"})
    assert "valid email address" in str(error.value) or "gyldig" in str(error.value)
    assert not OutboxMessage.objects.exists()
