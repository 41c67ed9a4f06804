"""Publications on event and project pages (a publication stores the events and projects it
came from), through almennet/related.py, so neither app names publications. Called from
PublicationsConfig.ready()."""

from almennet.related import RelatedList, register_related

from .models import Publication
from .selectors import viewer_sees_member_only

# How many an event page and a project page list.
LIMITS = {"events.Event": ("events", 10), "projects.Project": ("projects", 50)}


def _reader(model: str):
    relation, limit = LIMITS[model]

    def read(*, obj, user) -> list:
        publications = (
            Publication.objects.published()
            .visible_to(is_member=viewer_sees_member_only(user=user))
            .filter(**{relation: obj})
        )
        return list(publications.order_by("-published_on")[:limit])

    return read


def register_all() -> None:
    for model in LIMITS:
        register_related(
            RelatedList(model=model, key="publications", read=_reader(model), order=30)
        )
