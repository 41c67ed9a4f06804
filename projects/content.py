"""Linked content in the knowledge hub (projects here, publications import it) gets addresses
that never break a page. Rich text is sanitised by almennet/html.py, images are checked by
almennet/images.py."""

from django.urls import NoReverseMatch


def with_page_urls(related: dict[str, list]) -> dict[str, list]:
    """Give every linked item a `page_url` ("" where its app has no page for it yet), so a
    template never breaks on a detail page that does not exist."""
    for items in related.values():
        for item in items:
            try:
                item.page_url = item.get_absolute_url()
            except NoReverseMatch:
                item.page_url = ""
    return related
