"""The link from a voter to their anonymous ballot, and the receipt code, derived from the
server's secret key so that the database alone cannot join them.

``ballot_link`` is an HMAC-SHA256 of (round id, voter id) under a key derived from SECRET_KEY
with its own salt; the receipt uses another salt. Whoever holds SECRET_KEY (the running portal,
or someone with the server's configuration) can recompute both for every voter: that is the
limit of the secrecy, written down in the README under "Secret ballots".

SECRET_KEY_FALLBACKS are tried when looking a ballot up, so that rotating the key during an
open round does not lose ballots; the link is rewritten under the current key on the next
change. These functions must never change: stored links would no longer be found.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

LINK_SALT = "almennet.strategy.ballot-link"
RECEIPT_SALT = "almennet.strategy.ballot-receipt"
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def _message(round_id: int, voter_id: int) -> str:
    return f"{int(round_id)}:{int(voter_id)}"


def ballot_link(*, round_id: int, voter_id: int, secret: str | None = None) -> str:
    return salted_hmac(
        LINK_SALT, _message(round_id, voter_id), secret=secret, algorithm="sha256"
    ).hexdigest()


def ballot_links(*, round_id: int, voter_id: int) -> list[str]:
    """The link under the current key first, then under each fallback key."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [ballot_link(round_id=round_id, voter_id=voter_id, secret=s) for s in secrets]


def ballot_receipt(*, round_id: int, voter_id: int) -> str:
    """Twelve characters of the alphabet (60 bits), as XXXX-XXXX-XXXX."""
    digest = salted_hmac(RECEIPT_SALT, _message(round_id, voter_id), algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big") >> 4
    chars = []
    for _position in range(12):
        chars.append(RECEIPT_ALPHABET[number & 31])
        number >>= 5
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
