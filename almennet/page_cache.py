"""Whole-page cache for visitors who are not logged in.

Most traffic is anonymous reading (front page, event list, knowledge hub, directory), and those
pages are the same for every visitor in a language. They are kept in the cache (Redis in
production, shared by all web workers) under a content version that every committed save,
delete or link change of content a visitor can see moves on, so a change shows at once;
PAGE_CACHE_SECONDS bounds what time alone changes (an event that has just ended).

The version moves after the transaction commits (``transaction.on_commit``): moved before, a
request in between would render the old rows and store them under the new version. Rows no
visitor sees (logins, outbox, logs and audit rows, field history, subscribers) leave it alone,
so ordinary traffic does not empty the cache.

The key holds only the query parameters the page reads (``QUERY_PARAMS``, per URL name, sorted);
tracking parameters (``utm_*``, ``fbclid``...) are dropped, and a request with any other
parameter is answered without the cache, so junk parameters cannot fill it. When the cache is
down (almennet/cache.py) every request passes through.

Only requests without a session or messages cookie are served or stored, and only complete 200
responses that used no CSRF token, wrote no session, queued no message, set no cookie and are
not marked private, so nothing personal and no CSRF token is ever shared between visitors.

The middleware sits early in settings.MIDDLEWARE, right after WhiteNoise and before the session,
locale, CSRF, authentication, messages and allauth middleware: a hit is answered without any of
their work (the stored headers already carry what they added: Content-Language, Vary,
X-Frame-Options, the CSP), so it costs little more than a bare view. The language is read from
the path as LocaleMiddleware does under i18n_patterns without a prefix for the default language
(``/en/...`` is English, everything else Danish); the few paths outside i18n_patterns are never
cached. A miss goes through the whole stack, so the cacheability checks see the cookies the
inner middleware set.

Registrations are the one kind of row that changes by the hundred in a busy minute (a sign-up
rush), so they move narrower versions instead of the content version: the **seats** version
(every page that shows seat counts: visitors' pages and the default of shared()) and two
**scopes**, ``event:<id>`` and ``user:<id>``. What does not show registrations (an event's text,
the footer, the empty sign-up form) is kept under the content version alone (``on=CONTENT``),
an event's seat counts under the content version and the event's scope, and a member's own rows
(personal()) under the content version and the member's scope; so one member's sign-up leaves
the other members' copies of the event page's parts standing. A scope starts at the clock's
nanoseconds, so one that was evicted never comes back at a number a stale copy was kept under.
The apps say which rows move which versions (register_scopes(), from their AppConfig.ready()):
events its registrations; invoicing and newsletters rows that no visitor sees but that a
member's own panel on my page shows ("invoices", "subscribers").
"""

import hashlib
import time
from urllib.parse import urlencode

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from .cache import CacheUnavailable

VERSION_KEY = "page-cache:version"
SEATS_KEY = "page-cache:seats"
SCOPE_KEY = "page-cache:scope:"
# What a copy is kept under (shared(on=...)): the content version, the seats version, scopes.
CONTENT = "content"
SEATS = "seats"
EVERYTHING = (CONTENT, SEATS)
# The apps whose rows visitors' pages show. The mail outbox is no content.
CONTENT_APPS = {
    "members",
    "events",
    "projects",
    "publications",
    "strategy",
    "newsletters",
    "siteinfo",
}
# Rows of the content apps that no visitor's page shows. (The action log, activity, is no
# content app: a focus area's dated history shown from it changes with the focus area's row.)
INVISIBLE_MODELS = {
    "strategy.announcement",
    "newsletters.subscriber",
    "newsletters.consent",
}
# Rows whose committed changes move scopes (register_scopes): model label or app label ->
# (the version names a row moves, whether they are moved instead of the content version).
_scopes: dict[str, tuple] = {}
# Saves that touch only these fields of a model change nothing a visitor sees.
INVISIBLE_FIELDS = {"members.user": {"last_login"}}
NEVER_CACHED_PREFIXES = ("/admin/", "/accounts/", "/i18n/")
# Paths outside i18n_patterns (their language would come from a cookie or Accept-Language).
NEVER_CACHED_PATHS_OUTSIDE_I18N = ("/healthz", "/metrics", "/anymail/", "/i18n/")

# The query parameters each page reads (URL name -> names). A page not listed reads none.
QUERY_PARAMS = {
    "events:list": {"past", "page", "kind", "month", "region", "focus_area", "free_places"},
    "projects:list": {"page", "status", "focus", "owner", "partner", "year", "sort"},
    "publications:list": {
        "page",
        "q",
        "kind",
        "focus",
        "organisation",
        "tag",
        "year",
        "sort",
    },
    "search": {"q", "page", "type", "year", "focus", "org"},
    "members:list": {"q", "region", "size"},
    "newsletters:archive": {"page"},
}
# Added by links in mail and on social media; no page reads them.
TRACKING_PARAMS = {"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga", "yclid", "igshid"}


def _is_tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMS


# Within one request each version is read from the cache once (a member's page asks for them
# for the footer, the event and its HTML); a move made by this process forgets them at once.
_request = Local()


def _version_key(name: str) -> str:
    if name == CONTENT:
        return VERSION_KEY
    if name == SEATS:
        return SEATS_KEY
    return SCOPE_KEY + name


def _versions(names) -> list[int]:
    known = getattr(_request, "versions", None)
    if known is None:
        known = {}
        if getattr(_request, "active", False):
            _request.versions, _request.fresh = known, set()
    keys = [_version_key(name) for name in names]
    missing = [key for key in keys if key not in known]
    if missing:
        known.update(cache.get_many(missing))
        for key in missing:
            if key not in known:
                # A new or evicted version starts at the clock (the content version at 1, as it
                # always has: evicted, it is moved when the cache comes back or by the next change).
                start = 1 if key == VERSION_KEY else time.time_ns()
                if cache.add(key, start, timeout=None):
                    known[key] = start
                    if key != VERSION_KEY and known is getattr(_request, "versions", None):
                        # Started by this request at the clock: nothing is kept under it yet
                        # (a member's first page: their scope is new).
                        _request.fresh.add(key)
                else:
                    known[key] = cache.get(key, start)
    return [known[key] for key in keys]


def _nothing_kept_under(names) -> bool:
    """Whether one of these versions was started by this request, so that a copy kept under it
    cannot exist yet (shared() then builds without asking the cache)."""
    fresh = getattr(_request, "fresh", None)
    return bool(fresh) and any(_version_key(name) in fresh for name in names)


def version(name: str) -> int:
    """The current number of a version: CONTENT, SEATS or a scope ("event:<id>", "user:<id>")."""
    return _versions((name,))[0]


def content_version() -> int:
    return version(CONTENT)


def _version_stamp(on) -> str:
    return ".".join(str(version) for version in _versions(on))


def _forget_versions() -> None:
    _request.versions, _request.fresh = None, None


def _move(keys) -> None:
    """Move each version by one; a missing one starts afresh (the content version at 2, a
    scope at the clock), as it would have been read (_versions) and then moved."""
    _forget_versions()
    starts = {key: 1 if key == VERSION_KEY else time.time_ns() for key in keys}
    try:
        if hasattr(cache, "incr_or_start"):  # Redis: one round trip for all of them
            cache.incr_or_start(starts)
            return
        for key, start in starts.items():
            try:
                cache.incr(key)
            except CacheUnavailable:
                raise
            except ValueError:
                cache.add(key, start + 1, timeout=None)
    except CacheUnavailable:
        # Nothing is served from a cache that is down; when it is back, the first request of
        # each process that saw the outage moves the version (AnonymousPageCacheMiddleware).
        return


def _version_move() -> None:
    _move((VERSION_KEY,))


def register_scopes(label: str, scopes, *, instead_of_content: bool = False) -> None:
    """Committed saves and deletes of rows of `label` ("app.model", or "app" for all its
    models) move the versions `scopes(row)` names (SEATS, "event:<id>", "invoices"...), once per
    transaction; with `instead_of_content` they move them instead of the content version.
    The apps register their rows from AppConfig.ready() (events: registrations)."""
    _scopes[label.lower()] = (scopes, instead_of_content)


class _PendingMove:
    """The versions one transaction's rows touched, moved once after it commits, however many
    rows it writes."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        _move(sorted(self.keys))


def _move_after_commit(using: str, keys: set[str]) -> None:
    connection = connections[using]
    pending = connection.in_atomic_block and next(
        (entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _PendingMove)),
        None,
    )
    if pending:
        pending.keys |= keys
        return
    move = _PendingMove()
    move.keys |= keys
    transaction.on_commit(move, using=using)


def _is_visible_change(sender, kwargs) -> bool:
    meta = sender._meta
    if meta.app_label not in CONTENT_APPS or meta.label_lower in INVISIBLE_MODELS:
        return False
    if getattr(sender, "instance_type", None) is not None:  # simple-history's Historical* rows
        return False
    update_fields = kwargs.get("update_fields")
    invisible = INVISIBLE_FIELDS.get(meta.label_lower)
    return not (invisible and update_fields and set(update_fields) <= invisible)


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: content a visitor can see changed, so every cached page is stale once
    the change commits (a registration: what shows seat counts or the event's or the person's
    registrations)."""
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    if sender is not None:
        meta = sender._meta
        registered = _scopes.get(meta.label_lower) or _scopes.get(meta.app_label)
        instance = kwargs.get("instance")
        if registered is not None and isinstance(instance, sender):
            scopes, instead_of_content = registered
            _move_after_commit(using, {_version_key(name) for name in scopes(instance)})
            if instead_of_content:
                return
        if not _is_visible_change(sender, kwargs):
            return
    _move_after_commit(using, {VERSION_KEY})


def _language_and_path(path: str) -> tuple[str, str]:
    """The language LocaleMiddleware picks for a path under i18n_patterns (a /<code>/ prefix,
    else the default language), and the path without that prefix."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return code, path[len(code) + 1 :]
    return settings.LANGUAGE_CODE, path


def _path_without_language(path: str) -> str:
    return _language_and_path(path)[1]


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.active, _request.versions, _request.fresh = True, None, None
        _request.pending = {}
        try:
            return self._answer(request)
        finally:
            try:
                _keep_pending()
            finally:
                _request.active, _request.versions, _request.fresh = False, None, None
                _request.pending = None

    def _answer(self, request):
        # Content may have changed while the cache was down, unrecorded: pages stored before
        # the outage are stale now.
        recovered = getattr(cache, "recovered_from_outage", None)
        if recovered is not None and recovered():
            _version_move()
        if not self._request_is_cacheable(request):
            return self.get_response(request)
        key = self._key(request)
        if key is None:
            return self.get_response(request)
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
        if request.path_info.startswith(NEVER_CACHED_PATHS_OUTSIDE_I18N):
            return False
        if _path_without_language(request.path_info).startswith(NEVER_CACHED_PREFIXES):
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
    def _key(request) -> str | None:
        """The page's key, or None when the request carries a parameter the page does not
        read (then it is answered without the cache)."""
        params = [name for name in request.GET if not _is_tracking(name)]
        if params:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
            if not set(params) <= QUERY_PARAMS.get(match.view_name, set()):
                return None
        query = urlencode(sorted((name, request.GET.getlist(name)) for name in params), True)
        digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
        language = _language_and_path(request.path_info)[0]
        return f"page-cache:{_version_stamp(EVERYTHING)}:{language}:{digest}"


def shared(name: str, build, *parts, on=EVERYTHING):
    """What is the same for every viewer of a kind (a member's front page lists, an event's
    text and sessions), built once and kept under the content version and the seats version: a
    committed change a visitor can see moves one of them after commit (content_changed), so a
    copy is never older than the last commit, as for the visitors' pages. ``on`` narrows it
    for what shows no registrations (``(CONTENT,)``) or one event's or person's (``(CONTENT,
    "event:<id>")``). Off with the page cache (PAGE_CACHE_SECONDS = 0), and answered by
    ``build()`` when the cache is down."""
    if not settings.PAGE_CACHE_SECONDS:
        return build()
    if CONTENT not in on:
        # Always under the content version too: moving it (after a Redis outage) empties all.
        on = (CONTENT, *on)
    key = f"shared:{_version_stamp(on)}:{name}:" + ":".join(str(part) for part in parts)
    pending = getattr(_request, "pending", None)
    value = pending.get(key) if pending else None
    if value is None:
        value = None if _nothing_kept_under(on) else cache.get(key)
    if value is None:
        value = build()
        if pending is None:  # outside a request (a task, a command): kept at once
            cache.set(key, value, settings.PAGE_CACHE_SECONDS)
        else:
            pending[key] = value
    return value


def _keep_pending() -> None:
    """What this request built for shared() and personal(), kept in one round trip as it ends
    (a member's first look at an event builds four or five parts). Each is stored under the
    versions it was built under, so a late write can only be one nobody asks for any more."""
    pending = getattr(_request, "pending", None)
    if pending:
        cache.set_many(pending, settings.PAGE_CACHE_SECONDS)


def personal(name: str, build, user, *parts, also=()):
    """What one person sees of their own rows (where they stand, their registrations), kept
    like shared() under the content version and the person's scope (and the versions in
    `also`): their rows are content or registrations, so a committed change to them moves one
    of these, and a copy is never older than the last commit. Unlike shared(), None is kept
    too (most members have no registration for a given event). Anonymous users and staff get
    ``build()``."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return build()
    on = (CONTENT, f"user:{user.pk}", *also)
    return shared(f"personal-{name}", lambda: (build(),), user.pk, *parts, on=on)[0]
