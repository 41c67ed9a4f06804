from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation


def _is_local(path: str) -> bool:
    """A path on this site: no scheme, no host, not protocol-relative ("//host/"), and no
    backslash that a browser would read as a slash ("/\\host/")."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def other_language_url(request, language: str) -> str:
    """The same page in the other language, or that language's front page when the path is
    not a local one (a 404 for "//evil.example/" must not link off-site)."""
    path = request.get_full_path()
    if _is_local(path):
        translated = translate_url(path, language)
        if _is_local(translated):
            return translated
    with translation.override(language):
        return reverse("home")


def site(request):
    """SITE_URL, and the same page in the other language for the language switcher (a plain
    link, so pages for visitors carry no form and no CSRF token and can be cached)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next((code for code, _name in settings.LANGUAGES if code != current[:2]), current)
    return {
        "SITE_URL": settings.SITE_URL,
        "other_language": other,
        "other_language_url": other_language_url(request, other),
    }
