from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def site(request):
    """SITE_URL, and the same page in the other language for the language switcher (a plain
    link, so pages for visitors carry no form and no CSRF token and can be cached)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next((code for code, _name in settings.LANGUAGES if code != current[:2]), current)
    return {
        "SITE_URL": settings.SITE_URL,
        "other_language": other,
        "other_language_url": translate_url(request.get_full_path(), other),
    }
