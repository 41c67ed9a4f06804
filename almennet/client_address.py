"""The client's address when the portal runs behind a load balancer or reverse proxy.

Behind a proxy, REMOTE_ADDR is the proxy's address. The proxy reports the client either in a
header of its own (CLIENT_IP_HEADER, e.g. X-Real-IP) or by appending to X-Forwarded-For; with
TRUSTED_PROXY_COUNT proxies in front, the client is the entry that many places from the right
(anything further left was sent by the client and can be forged).

ClientAddressMiddleware puts that address in REMOTE_ADDR first thing, so allauth's rate limits
and Django's logs see the client, and gunicorn's access log uses the same
function (almennet/gunicorn_conf.py). allauth's own ALLAUTH_TRUSTED_PROXY_COUNT is deliberately
left unset: it would read the same entry, but answers a shorter X-Forwarded-For with a 500.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(meta) -> str:
    """The client's address from a WSGI environ / request.META."""
    remote = meta.get("REMOTE_ADDR", "")
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        value = meta.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        return value if _valid(value) else remote
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [
            part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count and _valid(forwarded[-count]):
            return forwarded[-count]
    return remote


class ClientAddressMiddleware:
    """Puts the client's address in REMOTE_ADDR, so everything that records or limits by
    address (logs, rate limits, anything reading REMOTE_ADDR) sees the client, not the proxy.
    The proxy's own address stays in META["PROXY_ADDR"]."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = client_address(request.META)
        if address != request.META.get("REMOTE_ADDR"):
            request.META["PROXY_ADDR"] = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
