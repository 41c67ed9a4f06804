"""How publications appear in the knowledge hub's search (the `search` app's registry)."""

from search.registry import register, register_dependent

from .models import Publication, PublicationFile


def publication_document(publication: Publication) -> dict:
    public_files = [f for f in publication.files.all() if not f.is_member_only]
    organisations = list(publication.organisations.all())
    return {
        "title": publication.title,
        "subkind": publication.kind,
        "summary": publication.summary,
        "body": "\n".join(
            [
                publication.body,
                *(f.text for f in public_files),
                # Last, so that a snippet shows text rather than names.
                publication.authors,
                " ".join(organisation.name for organisation in organisations),
                " ".join(tag.name for tag in publication.tags.all()),
            ]
        ),
        "url_name": "publications:detail",
        "url_kwargs": {"slug": publication.slug},
        "year": publication.published_on.year if publication.published_on else None,
        "date": publication.published_on,
        "organisation_ids": [organisation.pk for organisation in organisations],
        "is_member_only": publication.is_member_only,
        "is_published": publication.is_published,
        "visible_from": publication.published_on,
    }


def _publication(row: PublicationFile):
    # The publication may be gone already when a cascade deletes its files.
    return [Publication.objects.filter(pk=row.publication_id).first()]


register(
    Publication,
    publication_document,
    queryset=lambda: Publication.objects.prefetch_related("organisations", "tags", "files"),
)
register_dependent(PublicationFile, _publication)
