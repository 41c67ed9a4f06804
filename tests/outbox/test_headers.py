"""The outbox's mail bytes: Django's own rendering, with the headers that mails share parsed
once (outbox.headers.ReusingHeaderRegistry) and nothing of one mail carried into the next."""

import email.policy
import re

from django.core.mail import EmailMultiAlternatives

from outbox.headers import OutboxEmail, ReusingHeaderRegistry, reusing_policy

FIXED = {"Date": "Tue, 08 Dec 2026 09:00:00 +0000"}


def _fields(n: int, subject: str = "Nyhedsbrev – december: æøå") -> dict:
    return {
        "subject": subject,
        "body": f"Hej modtager {n}\nLæs mere på portalen.\n",
        "from_email": "AlmenNet Sekretariatet <noreply@almennet.dk>",
        "to": [f"modtager-{n}@example.dk"],
        "headers": {**FIXED, "Message-ID": f"<{n}.almennet@almennet.dk>"},
    }


def _bytes(message_class, n: int, **kwargs) -> bytes:
    mail = message_class(**_fields(n, **kwargs))
    mail.attach_alternative(f"<p>Hej modtager {n}, læs mere</p>", "text/html")
    raw = mail.message(policy=email.policy.SMTP).as_bytes()
    return re.sub(rb"=+\d+=+", b"BOUNDARY", raw)


def test_outbox_mail_is_byte_for_byte_what_django_renders():
    for n in range(3):  # the second and third reuse what the first parsed
        assert _bytes(OutboxEmail, n) == _bytes(EmailMultiAlternatives, n)


def test_each_mail_keeps_its_own_recipient_subject_and_ids():
    first = OutboxEmail(**_fields(1)).message(policy=email.policy.SMTP)
    second = OutboxEmail(**_fields(2, subject="Påmindelse")).message(policy=email.policy.SMTP)
    assert (first["To"], second["To"]) == ("modtager-1@example.dk", "modtager-2@example.dk")
    assert (first["Subject"], second["Subject"]) == ("Nyhedsbrev – december: æøå", "Påmindelse")
    assert first["Message-ID"] != second["Message-ID"]
    assert first["From"] is second["From"]  # shared, parsed once
    assert first["To"] is not second["To"]
    raw = second.as_bytes()
    assert b"modtager-1" not in raw and b"december" not in raw


def test_the_kept_values_stay_bounded():
    registry = ReusingHeaderRegistry()
    for n in range(ReusingHeaderRegistry.KEEP + 10):
        registry("Subject", f"Emne {n}")
    assert len(registry._parsed) <= ReusingHeaderRegistry.KEEP
    assert str(registry("Subject", "Emne 3")) == "Emne 3"


def test_a_policy_with_its_own_header_factory_is_left_alone():
    own = email.policy.SMTP.clone(header_factory=ReusingHeaderRegistry())
    assert reusing_policy(own) is own
    assert reusing_policy(email.policy.SMTP) is reusing_policy(email.policy.SMTP)
    assert reusing_policy(email.policy.SMTP).linesep == "\r\n"
