"""One search over the knowledge hub: publications, projects, events and focus areas.

Each searchable model is registered with a function that turns an object into a search
document, and the index (`publications.models.SearchDocument`) follows saves, deletes and
many-to-many changes by itself:

    from publications.search import register

    def focus_area_document(area) -> dict | None:
        return {"title": area.title, "summary": ..., "body": ..., "url": area.get_absolute_url()}

    register(FocusArea, focus_area_document)

The dict's keys (all but ``title`` optional):
    title, summary, body            searched with weights A, B, C (body may be long plain text)
    url                             a path; or url_name + url_kwargs, reversed when shown
    subkind                         a code from the model's ``kind`` choices, shown as a label
    year, date                      facet and sort; organisation_ids, focus_area_ids: facets
    is_member_only                  shown to members (and staff) only
    is_published, visible_from      hidden unless published (and visible_from <= today)
Returning None removes the object from the index.
"""

from .index import (
    index_object,
    register,
    register_dependent,
    registrations,
    reindex_all,
    remove_object,
)
from .query import SearchResults, search

__all__ = [
    "SearchResults",
    "index_object",
    "register",
    "register_dependent",
    "registrations",
    "reindex_all",
    "remove_object",
    "search",
]
