"""Account mail (allauth), event mail and newsletters share one branded HTML layout
(outbox/mail_base.html) with a plain-text part: read from the raw bytes of each message."""

import email
from email import policy

import pytest
from django.core import mail
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _parts(message) -> dict[str, str]:
    """The decoded text/plain and text/html parts of the message's raw bytes."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    parts = {}
    for part in parsed.walk():
        if part.get_content_type() in ("text/plain", "text/html") and not part.get_filename():
            parts.setdefault(part.get_content_type(), part.get_content())
    return parts


def _assert_branded(message, *, text_contains: str) -> None:
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}, parts.keys()
    html, text = parts["text/html"], parts["text/plain"]
    # The layout: its header with the mark (a PNG from the site, as mail clients show no SVG)
    # and the wordmark, and the association's line in the footer.
    assert 'class="almennet-mail-header"' in html
    assert "/static/img/mark-mail.png" in html
    assert "Almen<span" in html
    assert "netværksforeningen for udvikling og fremtidssikring" in html
    # The text part is plain text with the same message.
    assert text_contains in text
    assert "<table" not in text and "<p" not in text


def test_account_mail_is_in_the_layout_with_a_text_part(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "ny@boligselskab.dk",
                "first_name": "Ida",
                "last_name": "Jensen",
                "password1": "En-lang-og-god-adgangskode-42",
                "password2": "En-lang-og-god-adgangskode-42",
            },
        )
    assert len(mail.outbox) == 1
    _assert_branded(mail.outbox[0], text_contains="/accounts/confirm-email/")


def test_event_mail_is_in_the_layout_with_a_text_part(django_capture_on_commit_callbacks):
    from devtools.factories.events import EventFactory
    from devtools.factories.members import UserFactory
    from events import services

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_signup(event=EventFactory(title="Temadag om klima"), user=user, answers={})
    sent = [m for m in mail.outbox if m.to == [user.email]]
    assert len(sent) == 1
    _assert_branded(sent[0], text_contains="Temadag om klima")


def test_newsletters_are_in_the_layout_with_a_text_part(django_capture_on_commit_callbacks):
    from newsletters.models import Newsletter, Subscriber
    from newsletters.services import newsletter_send

    Subscriber.objects.create(
        email="laeser@example.dk",
        status=Subscriber.Status.CONFIRMED,
        language="da",
        confirmed_at=timezone.now(),
    )
    newsletter = Newsletter.objects.create(
        subject="Nyhedsbrev nr. 1", slug="nr-1", intro="Nyt fra AlmenNet", body="<p>Hej alle</p>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_send(newsletter=newsletter, actor=None)
    assert len(mail.outbox) == 1
    _assert_branded(mail.outbox[0], text_contains="Hej alle")
