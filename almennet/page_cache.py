"""Whole-page cache for visitors who are not logged in.

Most traffic is anonymous reading (front page, event list, knowledge hub, directory), and those
pages are the same for every visitor in a language. They are kept in the cache (Redis in
production, shared by all web workers) under a content version that every save, delete or
link change in the portal's own apps moves on, so a change shows at once; PAGE_CACHE_SECONDS
bounds what time alone changes (an event that has just ended).

Only requests without a session or messages cookie are served or stored, and only complete 200
responses that used no CSRF token, wrote no session, queued no message, set no cookie and are
not marked private, so nothing personal and no CSRF token is ever shared between visitors.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "page-cache:version"
CONTENT_APPS = {"members", "events", "projects", "publications", "strategy", "newsletters"}
NEVER_CACHED_PREFIXES = ("/admin/", "/accounts/", "/i18n/")


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: a model of the portal's apps changed, so every cached page is stale."""
    if sender is not None and sender._meta.app_label not in CONTENT_APPS:
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)


def _path_without_language(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._request_is_cacheable(request):
            return self.get_response(request)
        key = self._key(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._response_is_cacheable(request, response):
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in {"set-cookie", "x-page-cache"}
            ]
            cache.set(
                key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS
            )
            response.headers["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _request_is_cacheable(request) -> bool:
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        if _path_without_language(request.path).startswith(NEVER_CACHED_PREFIXES):
            return False
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @staticmethod
    def _response_is_cacheable(request, response) -> bool:
        # The outer middleware add their cookies after this one returns, so ask the request
        # whether a CSRF token was used, the session written or a message queued.
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        if (
            request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or (session is not None and session.modified)
            or (messages is not None and getattr(messages, "added_new", False))
        ):
            return False
        cache_control = response.headers.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    @staticmethod
    def _key(request) -> str:
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page-cache:{content_version()}:{translation.get_language()}:{digest}"
