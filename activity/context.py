"""The client address of the request being served, for the action log. ActionContextMiddleware
sets it (after almennet.client_address has put the client in REMOTE_ADDR); outside a request
(Celery, commands) it is empty."""

from contextvars import ContextVar

_client_address: ContextVar[str | None] = ContextVar("activity_client_address", default=None)


def current_client_address() -> str | None:
    return _client_address.get()


class ActionContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)
