"""The knowledge hub's search: one index over what the other apps register, and /search/.

This app imports no other app of the portal. Each app says what it indexes in its own
`search_index.py` (found when Django starts, see `apps.SearchConfig.ready`):

    from search.registry import register

    def focus_area_document(area) -> dict | None:
        return {"title": area.title, "summary": ..., "body": ..., "url": area.get_absolute_url()}

    register(FocusArea, focus_area_document)

The dict's keys (all but ``title`` optional):
    title, summary, body            searched with weights A, B, C (body may be long plain text)
    url                             a path; or url_name + url_kwargs, reversed when shown
    subkind, subkind_label          a code and its label, shown beside the kind
    year, date                      facet and sort; organisation_ids, focus_area_ids: facets
    is_member_only                  shown to members (and staff) only
    is_published, visible_from      hidden unless published (and visible_from <= today)
Returning None removes the object from the index.

The facet labels for organisations and focus areas come from the index itself: the documents
registered with ``facet="org"`` and ``facet="focus"`` name them.
"""
