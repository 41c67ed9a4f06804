"""Headers that mailbox providers parse as written, kept as plain folded ASCII.

Python's email policy folds a line longer than 78 characters that has no space to break at by
turning it into RFC 2047 encoded words. For `List-Unsubscribe` that is wrong: RFC 2369 says the
field holds `<URL>` and providers (Gmail, Outlook, Yahoo) read it literally, so an encoded
`=?utf-8?q?=3Chttps=3A//...` line is no unsubscribe link at all and RFC 8058 one-click cannot
work. These headers are folded only at spaces (or before the first `<`), never encoded.
"""

import email.policy
import threading
from email.headerregistry import HeaderRegistry

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


class ReusingHeaderRegistry(HeaderRegistry):
    """The email package's header registry without the work it repeats for every message.

    For each header it stores, `HeaderRegistry` builds a new class (`type()` per call) and
    parses the value, although a newsletter's thousands of mails share most headers (From,
    Subject, MIME-Version, each part's Content-Type and Content-Transfer-Encoding): building a
    newsletter's mail took 1.8 ms, about half of a worker's time per mail, and 1.0 ms with the
    classes built once per header name and the values of those shared headers parsed once. A
    header object is an immutable value (the email package itself shares one between messages
    when a header is copied), so the same object may sit in many messages. Values that differ
    per mail (To, Date, Message-ID, the unsubscribe link) are parsed each time and not kept."""

    SHARED = frozenset(
        {
            "from",
            "subject",
            "reply-to",
            "mime-version",
            "content-type",
            "content-transfer-encoding",
            "content-disposition",
            "list-unsubscribe-post",
            "list-id",
        }
    )
    KEEP = 512  # parsed values kept; the lot is dropped when full

    def __init__(self):
        super().__init__()
        self._classes: dict[str, type] = {}
        self._parsed: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name):
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name, value):
        if name.lower() not in self.SHARED or type(value) is not str:
            return self[name](name, value)
        key = (name, value)
        header = self._parsed.get(key)
        if header is None:
            header = self[name](name, value)
            with self._lock:
                if len(self._parsed) >= self.KEEP:
                    self._parsed.clear()
                self._parsed[key] = header
        return header


_REGISTRY = ReusingHeaderRegistry()
_POLICIES: dict[email.policy.EmailPolicy, email.policy.EmailPolicy] = {}


def reusing_policy(policy: email.policy.EmailPolicy) -> email.policy.EmailPolicy:
    """`policy` with the ReusingHeaderRegistry, when it has the email package's own registry."""
    if type(policy.header_factory) is not HeaderRegistry:
        return policy
    reusing = _POLICIES.get(policy)
    if reusing is None:
        reusing = _POLICIES[policy] = policy.clone(header_factory=_REGISTRY)
    return reusing


class OutboxEmail(EmailMultiAlternatives):
    """The portal's outgoing mail: as Django's, with the list headers kept plain and the
    headers that mails share parsed once (ReusingHeaderRegistry)."""

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=reusing_policy(policy))
        plain_headers_apply(message)
        return message
