from django.utils.functional import SimpleLazyObject


def site_info(request):
    """The site settings for the footer, read only when a template uses them (one query by
    primary key; visitors' pages come from the page cache)."""
    from .selectors import site_settings

    return {"site_info": SimpleLazyObject(site_settings)}
