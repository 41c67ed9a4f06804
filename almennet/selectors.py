"""Reads that combine several apps, for the front page."""

from events.models import Event
from members.selectors import user_is_member
from projects.models import Project
from publications.models import Publication
from strategy.models import Ambition


def front_page(*, user) -> dict:
    """The front page's lists (almennet/views.py shares the page they make per content
    version and kind of viewer)."""
    is_member = user_is_member(user=user)
    return {
        "next_events": list(
            Event.objects.published().upcoming().with_seat_counts().prefetch_related("sessions")[:4]
        ),
        "latest_publications": list(
            Publication.objects.published().visible_to(is_member=is_member)[:4]
        ),
        "latest_projects": list(
            Project.objects.published().select_related("owner").order_by("-updated_at")[:4]
        ),
        "ambitions": list(Ambition.objects.all()),
    }
