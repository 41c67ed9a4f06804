"""The request being served, for the action log's client address. ActionContextMiddleware sets
it (after almennet.client_address has put the client in REMOTE_ADDR); outside a request
(Celery, commands) there is none."""

from contextvars import ContextVar

_request: ContextVar = ContextVar("activity_request", default=None)


def client_address_of(actor) -> str | None:
    """The client address of the current request, if actor is the person making it: a row
    written for someone else (each voter's 'ballot.cast' row written at the close, a promotion
    from the waiting list) gets no address."""
    request = _request.get()
    if request is None or actor is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != actor.pk:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ActionContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
