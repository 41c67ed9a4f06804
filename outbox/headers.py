"""Headers that mailbox providers parse as written, kept as plain folded ASCII.

Python's email policy folds a line longer than 78 characters that has no space to break at by
turning it into RFC 2047 encoded words. For `List-Unsubscribe` that is wrong: RFC 2369 says the
field holds `<URL>` and providers (Gmail, Outlook, Yahoo) read it literally, so an encoded
`=?utf-8?q?=3Chttps=3A//...` line is no unsubscribe link at all and RFC 8058 one-click cannot
work. These headers are folded only at spaces (or before the first `<`), never encoded.
"""

from django.core.mail import EmailMultiAlternatives

# Headers whose value is a list of <URI>s or a fixed token (RFC 2369, RFC 8058, RFC 5064).
PLAIN_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Archived-At")
MAX_LINE = 78
HARD_LIMIT = 998  # RFC 5322: a line must not be longer than this


class PlainHeader(str):
    """A header value the email package stores and folds as it is (see
    `email.policy.EmailPolicy.header_store_parse`: a value with a matching `.name` is kept)."""

    def __new__(cls, name: str, value: str):
        value = " ".join(value.split())
        if not value.isascii():
            raise ValueError(f"{name} must be ASCII")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        linesep = policy.linesep
        lines = [f"{self.name}:"]
        for word in str(self).split(" "):
            if len(lines[-1]) + 1 + len(word) > MAX_LINE and lines[-1] != f"{self.name}:":
                lines.append("")
            lines[-1] += " " + word
        if len(lines[0]) > MAX_LINE and " " in lines[0]:
            # Even the first word does not fit beside the name: fold before it.
            first = lines[0].split(" ", 1)
            lines[0:1] = [first[0], " " + first[1]]
        if any(len(line) > HARD_LIMIT for line in lines):
            raise ValueError(f"{self.name} has a word longer than {HARD_LIMIT} characters")
        return linesep.join(lines) + linesep


def plain_headers_apply(message) -> None:
    """Store the PLAIN_HEADERS of an email.message.EmailMessage as PlainHeader values."""
    for name in PLAIN_HEADERS:
        value = message.get(name)
        if value is not None and str(value).isascii():
            message.replace_header(name, PlainHeader(name, str(value)))


class OutboxEmail(EmailMultiAlternatives):
    """The portal's outgoing mail: as Django's, with the list headers kept plain."""

    def message(self, **kwargs):
        message = super().message(**kwargs)
        plain_headers_apply(message)
        return message
