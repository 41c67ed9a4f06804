"""How projects appear in the knowledge hub's search (the `search` app's registry)."""

from search.registry import register, register_dependent

from .models import Project, ProjectParticipant


def project_document(project: Project) -> dict:
    participants = [p.organisation for p in project.participants.all()]
    organisations = ([project.owner] if project.owner_id else []) + participants
    date = project.starts_on or (project.created_at.date() if project.created_at else None)
    return {
        "title": project.title,
        "summary": project.summary,
        # The organisations' names last, so that "Egelund" finds Egelund's projects.
        "body": "\n".join(
            [project.description, " ".join(organisation.name for organisation in organisations)]
        ),
        "url_name": "projects:detail",
        "url_kwargs": {"slug": project.slug},
        "year": date.year if date else None,
        "date": date,
        "organisation_ids": [organisation.pk for organisation in organisations],
        "is_published": project.is_published,
    }


def _project(row: ProjectParticipant):
    # The project may be gone already when a cascade deletes its participants.
    return [Project.objects.filter(pk=row.project_id).first()]


register(
    Project,
    project_document,
    queryset=lambda: Project.objects.select_related("owner").prefetch_related(
        "participants__organisation"
    ),
)
register_dependent(ProjectParticipant, _project)
