"""DKIM signatures (RFC 6376) on outgoing mail, with dkimpy, when a key is configured.

Settings: DKIM_DOMAIN (the d= domain, normally the From address's), DKIM_SELECTOR (the DNS name
`<selector>._domainkey.<domain>` holds the public key) and DKIM_PRIVATE_KEY (PEM) or
DKIM_PRIVATE_KEY_FILE. The signature covers the list headers too, as RFC 8058 requires for
one-click unsubscribe. Signing happens on the exact bytes handed to the SMTP server.
"""

import email.policy
import smtplib
from dataclasses import dataclass

import dkim
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Cc",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"Reply-To",
    b"MIME-Version",
    b"Content-Type",
    b"Content-Transfer-Encoding",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
)


@dataclass(frozen=True)
class DkimKey:
    domain: str
    selector: str
    private_key: bytes


def dkim_key() -> DkimKey | None:
    domain = getattr(settings, "DKIM_DOMAIN", "")
    selector = getattr(settings, "DKIM_SELECTOR", "")
    private_key = getattr(settings, "DKIM_PRIVATE_KEY", "")
    if not (domain and selector and private_key):
        return None
    return DkimKey(domain=domain, selector=selector, private_key=private_key.encode())


def message_sign(raw: bytes, key: DkimKey) -> bytes:
    """The message with a DKIM-Signature header in front (relaxed/relaxed canonicalisation,
    which survives the header refolding some relays do)."""
    present = {line.split(b":", 1)[0].strip().lower() for line in raw.split(b"\r\n\r\n", 1)[0]
               .split(b"\r\n") if line and not line[:1].isspace()}  # fmt: skip
    signature = dkim.sign(
        raw,
        key.selector.encode(),
        key.domain.encode(),
        key.private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name for name in SIGNED_HEADERS if name.lower() in present],
        linesep=b"\r\n",
    )
    return signature + raw


class DkimSmtpBackend(EmailBackend):
    """Django's SMTP backend, signing each message when a DKIM key is configured."""

    def _send(self, email_message):
        key = dkim_key()
        if key is None:
            return super()._send(email_message)
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(address) for address in email_message.recipients()]
        message = email_message.message(policy=email.policy.SMTP)
        try:
            self.connection.sendmail(from_email, recipients, message_sign(message.as_bytes(), key))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
