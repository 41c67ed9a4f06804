"""How publications, projects and events appear in the search index (see publications.search).
Focus areas are registered from the strategy app's side."""

from django.utils import timezone

from events.models import Event, EventSession
from projects.models import Project, ProjectParticipant

from .models import Publication, PublicationFile
from .search import register, register_dependent


def _ids(related) -> list[int]:
    # .all() so that a prefetch (when the whole index is rebuilt) is used.
    return [item.pk for item in related.all()]


def publication_document(publication: Publication) -> dict:
    public_files = [f for f in publication.files.all() if not f.is_member_only]
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
                " ".join(tag.name for tag in publication.tags.all()),
            ]
        ),
        "url_name": "publications:detail",
        "url_kwargs": {"slug": publication.slug},
        "year": publication.published_on.year if publication.published_on else None,
        "date": publication.published_on,
        "organisation_ids": _ids(publication.organisations),
        "focus_area_ids": _ids(publication.focus_areas),
        "is_member_only": publication.is_member_only,
        "is_published": publication.is_published,
        "visible_from": publication.published_on,
    }


def project_document(project: Project) -> dict:
    organisation_ids = [p.organisation_id for p in project.participants.all()]
    if project.owner_id:
        organisation_ids.append(project.owner_id)
    date = project.starts_on or (project.created_at.date() if project.created_at else None)
    return {
        "title": project.title,
        "subkind": "",
        "summary": project.summary,
        "body": project.description,
        "url_name": "projects:detail",
        "url_kwargs": {"slug": project.slug},
        "year": date.year if date else None,
        "date": date,
        "organisation_ids": organisation_ids,
        "focus_area_ids": _ids(project.focus_areas),
        "is_published": project.is_published,
    }


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
        "focus_area_ids": _ids(event.focus_areas),
        "is_published": event.is_published,
    }


def register_documents() -> None:
    register(
        Publication,
        publication_document,
        queryset=lambda: Publication.objects.prefetch_related(
            "organisations", "focus_areas", "tags", "files"
        ),
    )
    register(
        Project,
        project_document,
        queryset=lambda: Project.objects.prefetch_related("participants", "focus_areas"),
    )
    register(
        Event,
        event_document,
        queryset=lambda: Event.objects.prefetch_related("sessions", "focus_areas"),
    )
    register_dependent(PublicationFile, lambda row: [_existing(Publication, row.publication_id)])
    register_dependent(ProjectParticipant, lambda row: [_existing(Project, row.project_id)])
    register_dependent(EventSession, lambda row: [_existing(Event, row.event_id)])


def _existing(model, pk):
    # The parent may be gone already when a cascade deletes its rows.
    return model._default_manager.filter(pk=pk).first()
