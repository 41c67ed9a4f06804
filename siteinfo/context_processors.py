from django.utils.functional import SimpleLazyObject

from almennet.page_cache import CONTENT, shared


def _site_settings():
    from .selectors import site_settings

    return shared("site-settings", site_settings, on=(CONTENT,))


def site_info(request):
    """The site settings for the footer, read only when a template uses them, and kept under
    the page cache's content version (almennet/page_cache.py: a saved change moves it), so a
    page costs no query for them once one page has read them."""
    return {"site_info": SimpleLazyObject(_site_settings)}
