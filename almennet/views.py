from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from members.context_processors import association_figures
from members.selectors import user_standing

from . import selectors
from .page_cache import EVERYTHING, shared
from .shell import render_member_page


@require_GET
@never_cache
def healthz(request):
    """200 with JSON when the database (and Redis, where configured) answer; 503 naming what
    is down otherwise. Exempt from the HTTPS redirect and, through HealthCheckMiddleware, from
    the host check, so a load balancer can probe it over plain HTTP by address."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis(settings.REDIS_URL)
    if settings.CACHE_URL and settings.CACHE_URL != settings.REDIS_URL:
        checks["cache"] = _check_redis(settings.CACHE_URL)
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down" to a load balancer
        return "down"
    return "ok"


def _check_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # noqa: BLE001
        return "down"
    return "ok"


def home(request):
    """The front page. Everything below the menu is the same for every viewer of a kind
    (member or not) in a language, so it is rendered once per content version (moved after
    each committed change, almennet/page_cache.py) and shared; only the menu is personal."""
    user = request.user
    # Where the person stands is kept per person (members.selectors.user_standing): no query.
    is_member = user_standing(user=user).is_member

    def render_content():
        # Rendered without the request, so the figures the footer's context processor gives
        # are added here.
        context = {**selectors.front_page(user=user), **association_figures(None)}
        return render_to_string("includes/home_content.html", context)

    content = shared("front-page-html", render_content, is_member, translation.get_language())
    # Around it, a member's page is a shell shared per kind too (almennet.shell).
    return render_member_page(
        request,
        "home.html",
        {"content": content},
        name="home",
        parts=(is_member,),
        on=EVERYTHING,
    )


# Pages no search engine should index: the admin, accounts, personal pages, invoices, the
# board's votes and the search results (endless parameter combinations). Both languages.
ROBOTS_DISALLOWED = [
    "/admin/",
    "/accounts/",
    "/members/me/",
    "/members/engagement/",
    "/events/mine/",
    "/invoices/",
    "/strategy/votes/",
    "/search/",
    "/newsletter/confirm/",
    "/newsletter/unsubscribe/",
    "/i18n/",
]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    disallowed = [
        *ROBOTS_DISALLOWED,
        *(f"/{code}{path}" for code, _name in settings.LANGUAGES[1:] for path in ROBOTS_DISALLOWED),
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    lines.append(f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page names: the
    file static/img/favicon.ico (found wherever the static files are, as in development)."""
    path = finders.find("img/favicon.ico")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (expired session, old tab): say what to do."""
    return render(request, "403_csrf.html", status=403)
