"""Mail as mailbox providers read it: the raw bytes at a real SMTP server (aiosmtpd), a DKIM
signature dkimpy verifies, and bounces/complaints from the provider's webhook (Postmark)."""

import base64
import json
import re
import threading

import dkim
import environ
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from almennet.mail_settings import dkim_settings_read
from devtools.smtp_sink import free_port
from newsletters.models import Subscriber
from newsletters.services import newsletter_send
from outbox.delivery import outbox_deliver
from outbox.models import OutboxMessage, SuppressedAddress

pytestmark = pytest.mark.django_db

LONG_ADDRESS = "anne-kathrine.vestergaard-christiansen@boligselskabet-eksempel.dk"


class RawSink:
    """Keeps the exact bytes each message arrived with."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.messages.append(envelope.original_content)
        return "250 2.0.0 OK"


@pytest.fixture
def raw_smtp(settings):
    handler = RawSink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "outbox.dkim.DkimSmtpBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield handler
    controller.stop()


def _newsletter_delivered(newsletter_factory, subscriber_factory) -> bytes:
    subscriber_factory(LONG_ADDRESS)
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=None)
    result = outbox_deliver()
    assert result.sent == 1
    newsletter.refresh_from_db()
    return OutboxMessage.objects.get(batch=newsletter.batch)


def _header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0] + b"\r\n"


def test_list_unsubscribe_arrives_as_plain_folded_ascii(
    raw_smtp, settings, newsletter_factory, subscriber_factory
):
    settings.SITE_URL = "https://portal.almennet.dk"
    message = _newsletter_delivered(newsletter_factory, subscriber_factory)
    [raw] = raw_smtp.messages
    headers = _header_block(raw)
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://portal.almennet.dk/newsletter/unsubscribe/")
    assert len(f"List-Unsubscribe: <{url}>") > 78  # long enough to need folding
    assert b"=?utf-8?" not in headers
    # Folded before the URL, which stays whole on its own line: exactly what RFC 2369 wants.
    assert f"\r\nList-Unsubscribe:\r\n <{url}>\r\n".encode() in headers
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in headers
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert raw.isascii()


def test_the_one_click_post_from_the_header_unsubscribes_without_a_page(
    raw_smtp, client, settings, newsletter_factory, subscriber_factory
):
    settings.SITE_URL = "http://testserver"
    _newsletter_delivered(newsletter_factory, subscriber_factory)
    [raw] = raw_smtp.messages
    url = re.search(rb"List-Unsubscribe:\r\n <([^>]+)>", raw).group(1).decode()
    response = client.post(
        url.removeprefix("http://testserver"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert Subscriber.objects.get(email=LONG_ADDRESS).status == Subscriber.Status.UNSUBSCRIBED


def _rsa_key() -> tuple[str, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(public)


def test_mail_is_dkim_signed_and_verifies_including_the_list_headers(
    raw_smtp, settings, newsletter_factory, subscriber_factory
):
    private, public = _rsa_key()
    settings.DKIM_DOMAIN = "almennet.dk"
    settings.DKIM_SELECTOR = "portal2026"
    settings.DKIM_PRIVATE_KEY = private
    _newsletter_delivered(newsletter_factory, subscriber_factory)
    [raw] = raw_smtp.messages
    assert raw.startswith(b"DKIM-Signature: ")
    looked_up = []

    def dns(name, timeout=5):
        looked_up.append(name)
        if name == b"portal2026._domainkey.almennet.dk.":
            return b"v=DKIM1; k=rsa; p=" + public
        return None

    assert dkim.verify(raw, dnsfunc=dns)
    assert looked_up == [b"portal2026._domainkey.almennet.dk."]
    signature = _header_block(raw).split(b"\r\n\r\n")[0].decode()
    signed = re.search(r"h=([^;]+);", signature.replace("\r\n", "").replace(" ", "")).group(1)
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "subject"} <= set(
        signed.lower().split(":")
    )
    # A relay that changes the list header breaks the signature.
    tampered = raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"X: y")
    assert not dkim.verify(tampered, dnsfunc=dns)
    # Another key published under the selector does not verify it either.
    _other_private, other_public = _rsa_key()
    assert not dkim.verify(raw, dnsfunc=lambda name, timeout=5: b"v=DKIM1; p=" + other_public)


def test_without_a_key_mail_goes_out_unsigned(raw_smtp, newsletter_factory, subscriber_factory):
    _newsletter_delivered(newsletter_factory, subscriber_factory)
    [raw] = raw_smtp.messages
    assert b"DKIM-Signature" not in raw


def test_half_configured_dkim_refuses_with_a_sentence(monkeypatch, tmp_path):
    for name in ("DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY", "DKIM_PRIVATE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert dkim_settings_read(environ.Env())["DKIM_DOMAIN"] == ""
    monkeypatch.setenv("DKIM_DOMAIN", "almennet.dk")
    with pytest.raises(ImproperlyConfigured, match="DKIM_SELECTOR, DKIM_PRIVATE_KEY"):
        dkim_settings_read(environ.Env())
    key_file = tmp_path / "dkim.pem"
    key_file.write_text("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n")
    monkeypatch.setenv("DKIM_SELECTOR", "s1")
    monkeypatch.setenv("DKIM_PRIVATE_KEY_FILE", str(key_file))
    assert dkim_settings_read(environ.Env())["DKIM_PRIVATE_KEY"].startswith("-----BEGIN")


# --- The provider's webhook: Postmark's bounce and spam-complaint payloads ---

WEBHOOK_SECRET = "postmark:s3cret-hook"


def _postmark_post(client, payload: dict, *, secret: str = WEBHOOK_SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        reverse("mail_webhook_postmark"),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def _bounce(email: str, bounce_type: str = "HardBounce") -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": bounce_type,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "noreply@almennet.dk",
        "BouncedAt": "2026-12-06T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Nyhedsbrev",
        "MessageStream": "outbound",
    }


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET}


def test_a_hard_bounce_from_the_webhook_marks_the_address_failing(
    client, webhook_secret, newsletter_factory, subscriber_factory, smtp
):
    subscriber_factory("gone@example.dk")
    subscriber_factory("here@example.dk")
    newsletter_send(newsletter=newsletter_factory(), actor=None)  # queued, not yet delivered
    response = _postmark_post(client, _bounce("Gone@Example.dk"))
    assert response.status_code == 200
    failing = SuppressedAddress.objects.get(email="gone@example.dk")
    assert failing.reason == SuppressedAddress.Reason.HARD_BOUNCE
    assert "Postmark" in failing.detail and "bounced" in failing.detail
    # From now on the outbox skips it, as after a permanent SMTP refusal.
    outbox_deliver()
    assert OutboxMessage.objects.get(to="gone@example.dk").status == OutboxMessage.Status.SKIPPED
    assert OutboxMessage.objects.get(to="here@example.dk").status == OutboxMessage.Status.SENT
    # And no later newsletter is addressed to it.
    assert newsletter_send(newsletter=newsletter_factory(), actor=None).queued == 1


def test_a_spam_complaint_marks_the_address_failing(client, webhook_secret):
    payload = {
        "RecordType": "SpamComplaint",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Email": "klager@example.dk",
        "BouncedAt": "2026-12-06T16:33:54Z",
        "Description": "The subscriber explicitly marked this message as spam.",
        "MessageStream": "broadcast",
    }
    assert _postmark_post(client, payload).status_code == 200
    assert "complained" in SuppressedAddress.objects.get(email="klager@example.dk").detail


def test_a_soft_bounce_or_a_delivery_changes_nothing(client, webhook_secret):
    assert _postmark_post(client, _bounce("full@example.dk", "SoftBounce")).status_code == 200
    delivery = {
        "RecordType": "Delivery",
        "Recipient": "fine@example.dk",
        "DeliveredAt": "2026-12-06T16:33:54Z",
        "MessageID": "x",
        "Details": "Test delivery webhook details",
    }
    assert _postmark_post(client, delivery).status_code == 200
    assert not SuppressedAddress.objects.exists()


def test_the_webhook_refuses_a_wrong_secret_and_works_only_with_one_configured(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET}
    assert _postmark_post(client, _bounce("a@example.dk"), secret="postmark:guess").status_code in (
        400,
        403,
    )
    # As settings.py leaves it when ANYMAIL_WEBHOOK_SECRET is unset: nobody knows the secret.
    settings.ANYMAIL = {"WEBHOOK_SECRET": "unset:random-value-nobody-knows"}
    assert _postmark_post(client, _bounce("a@example.dk")).status_code in (400, 403)
    assert not SuppressedAddress.objects.exists()
