"""Mail queued as an intent (`message_queue_deferred`): a small row in the caller's
transaction, rendered by the worker that claims it, after commit."""

import pytest
from django.core import mail

from outbox import delivery, registry
from outbox.models import OutboxMessage
from outbox.rendering import MailParts
from outbox.services import message_queue_deferred

pytestmark = pytest.mark.django_db


@pytest.fixture
def renderer(monkeypatch):
    """A renderer named "test.hello": `calls` records its data; `answer` decides the outcome."""

    class Renderer:
        calls: list = []
        answer = "parts"

        def __call__(self, data):
            self.calls.append(data)
            if self.answer == "gone":
                return None
            if self.answer == "broken":
                raise RuntimeError("the template's data is broken")
            return MailParts(
                context={"thing": data["thing"]},
                attachments=[("note.txt", "hej", "text/plain")],
            )

    build = Renderer()
    monkeypatch.setitem(registry._renderers, "test.hello", build)
    return build


def queue(**kwargs):
    return message_queue_deferred(
        to="anna@example.dk",
        template="mailings_test/hello",
        renderer="test.hello",
        data={"thing": "sommerfest"},
        **kwargs,
    )


def test_queueing_renders_nothing(renderer):
    message = queue()
    assert renderer.calls == []
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.subject, stored.body_text, stored.render_with) == ("", "", "test.hello")
    assert stored.render_data == {"thing": "sommerfest"}


def test_the_worker_renders_then_sends_with_the_attachment(renderer):
    message = queue()
    result = delivery.outbox_deliver(ids=[message.pk])
    assert result.sent == 1
    assert renderer.calls == [{"thing": "sommerfest"}]
    sent = mail.outbox[0]
    assert "sommerfest" in sent.body
    assert [a.filename for a in sent.attachments] == ["note.txt"]
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.status == OutboxMessage.Status.SENT
    assert stored.render_with == "" and "sommerfest" in stored.body_text
    assert stored.subject == sent.subject


def test_nothing_left_to_send_is_skipped(renderer):
    renderer.answer = "gone"
    message = queue()
    result = delivery.outbox_deliver(ids=[message.pk])
    assert (result.sent, result.skipped) == (0, 1)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SKIPPED
    assert mail.outbox == []


def test_a_rendering_error_is_retried_later_and_the_batch_goes_on(renderer):
    renderer.answer = "broken"
    message = queue()
    result = delivery.outbox_deliver(ids=[message.pk])
    assert (result.sent, result.retried) == (0, 1)
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.status == OutboxMessage.Status.QUEUED
    assert "rendering" in stored.last_error
    assert stored.render_with == "test.hello"  # rendered again at the next attempt


def test_the_same_key_is_queued_once(renderer):
    first = queue(dedup_key="hello:1")
    second = queue(dedup_key="hello:1")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_a_bad_address_is_refused_when_queued(renderer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_queue_deferred(
            to="not an address", template="mailings_test/hello", renderer="test.hello", data={}
        )
