"""Newsletters in the archive, in the knowledge hub's search."""

from django.utils import timezone

from search.registry import register

from .models import Newsletter


def newsletter_document(newsletter: Newsletter) -> dict | None:
    if newsletter.issued_at is None:  # only what the archive shows
        return None
    issued = timezone.localtime(newsletter.issued_at).date()
    return {
        "title": newsletter.subject,
        "summary": newsletter.intro,
        "body": newsletter.body,
        "url": newsletter.get_absolute_url(),
        "year": issued.year,
        "date": issued,
    }


register(Newsletter, newsletter_document)
