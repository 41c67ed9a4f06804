"""Signed tokens in mail links: the address is the payload, the signature is the authority.

Confirmation links expire (`CONFIRM_VALID_DAYS`); unsubscribe links do not, because every
newsletter ever sent must keep a working way out.
"""

from django.core import signing

CONFIRM_VALID_DAYS = 7
# The salts keep the old app name: links in mail already sent must keep working.
_CONFIRM_SALT = "mailings.subscription.confirm"
_UNSUBSCRIBE_SALT = "mailings.unsubscribe"

BadToken = signing.BadSignature
ExpiredToken = signing.SignatureExpired


def confirm_token_make(email: str) -> str:
    return signing.dumps(email, salt=_CONFIRM_SALT)


def confirm_token_read(token: str) -> str:
    """The address; raises ExpiredToken (a BadToken) or BadToken."""
    return _address(signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_VALID_DAYS * 86400))


def unsubscribe_token_make(email: str) -> str:
    return signing.dumps(email, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> str:
    return _address(signing.loads(token, salt=_UNSUBSCRIBE_SALT))


def _address(payload) -> str:
    if not isinstance(payload, str) or "@" not in payload:
        raise BadToken("The token does not carry an address.")
    return payload
