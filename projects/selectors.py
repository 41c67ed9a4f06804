"""Reads for projects: the list, the detail page's parts, an organisation's projects and the
engagement report's project participation."""

import datetime

from django.db.models import Prefetch, Q

from almennet.related import related_lists

from .content import with_page_urls
from .models import Project, ProjectParticipant


def project_list():
    return Project.objects.published().for_list()


def project_for_detail(*, slug: str):
    return (
        Project.objects.select_related("owner", "contact")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ProjectParticipant.objects.select_related("organisation"),
            ),
            "milestones",
            "images",
        )
        .filter(slug=slug)
        .first()
    )


def project_funding(*, project: Project):
    """The financial partners and the total granted (None when nothing is recorded)."""
    financial = [
        p for p in project.participants.all() if p.role == ProjectParticipant.Role.FINANCIAL
    ]
    amounts = [p.amount_granted for p in financial if p.amount_granted is not None]
    return {"partners": financial, "total": sum(amounts) if amounts else None}


def organisation_projects(*, organisation) -> list[dict]:
    """The organisation's published projects, each with the organisation's roles in it."""
    projects = (
        Project.objects.published()
        .involving(organisation)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ProjectParticipant.objects.filter(organisation=organisation),
                to_attr="own_participations",
            )
        )
        .order_by("-starts_on", "title")
    )
    rows = []
    for project in projects:
        roles = [p.get_role_display() for p in project.own_participations]
        if project.owner_id == organisation.pk:
            roles.insert(0, Project._meta.get_field("owner").verbose_name)
        rows.append({"project": project, "roles": roles})
    return rows


def _overlapping(start: datetime.date, end: datetime.date) -> Q:
    return (
        Q(is_published=True)
        & (Q(starts_on__isnull=True) | Q(starts_on__lte=end))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    )


def project_participation_counts(
    organisation_ids, start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Per organisation: the published projects it owned or took part in that ran some time
    within the period."""
    organisation_ids = list(organisation_ids)
    running = Project.objects.filter(_overlapping(start, end))
    pairs = set(running.filter(owner_id__in=organisation_ids).values_list("owner_id", "id")) | set(
        ProjectParticipant.objects.filter(
            organisation_id__in=organisation_ids, project__in=running
        ).values_list("organisation_id", "project_id")
    )
    counts: dict[int, int] = {}
    for organisation_id, _project_id in pairs:
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
    return counts


def project_related(*, project: Project, user) -> dict[str, list]:
    """The project's events, and what the apps above link to it (publications, focus areas,
    registered in almennet/related.py), filtered to what the viewer may see."""
    from django.db.models import F

    events = project.events.published().with_start()
    related = {
        **related_lists(obj=project, user=user),
        "events": list(events.order_by(F("first_start").desc(nulls_last=True))[:50]),
    }
    return with_page_urls(related)


def organisation_panel_context(*, organisation, user) -> dict | None:
    rows = organisation_projects(organisation=organisation)
    return {"project_rows": rows} if rows else None


def personal_data_export(user) -> list[dict]:
    """The projects that name the person as contact."""
    return [
        {"project": project.title, "role": "contact person", "slug": project.slug}
        for project in Project.objects.filter(contact=user).order_by("title")
    ]
