"""How events appear in the knowledge hub's search (the `search` app's registry)."""

from django.utils import timezone

from search.registry import register, register_dependent

from .models import Event, EventSession


def event_document(event: Event) -> dict:
    starts = [session.starts_at for session in event.sessions.all()]
    first = timezone.localtime(min(starts)).date() if starts else None
    return {
        "title": event.title,
        "subkind": event.kind,
        "summary": event.summary,
        "body": "\n".join([event.body, event.venue_name, event.venue_address]),
        "url_name": "events:detail",
        "url_kwargs": {"slug": event.slug},
        "year": first.year if first else None,
        "date": first,
        "is_published": event.is_published,
    }


def _event(row: EventSession):
    # The event may be gone already when a cascade deletes its sessions.
    return [Event.objects.filter(pk=row.event_id).first()]


register(
    Event,
    event_document,
    queryset=lambda: Event.objects.prefetch_related("sessions"),
)
register_dependent(EventSession, _event)
