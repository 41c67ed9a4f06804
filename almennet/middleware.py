import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.template.loader import render_to_string

logger = logging.getLogger("almennet")


class HealthCheckMiddleware:
    """Lets the load balancer's probe of /healthz through whatever Host it sends (often the
    web host's address, not a name in ALLOWED_HOSTS): the Host is replaced by an allowed one
    for this path only, so the rest of the stack answers as for any page (security headers
    included). SECURE_REDIRECT_EXEMPT keeps plain HTTP from being redirected to https."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            host = request.META.get("HTTP_HOST", "")
            allowed = settings.ALLOWED_HOSTS
            if allowed and not validate_host(split_domain_port(host)[0], allowed):
                canonical = next((h.lstrip(".") for h in allowed if h != "*"), "")
                if canonical:
                    request.META["HEALTHZ_PROBE_HOST"] = host
                    request.META["HTTP_HOST"] = canonical
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 with the portal's own page and a
    Retry-After, instead of a 500: it is a passing fault and load balancers and people should
    try again. Nothing is half-saved, since each request's writes are one transaction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
