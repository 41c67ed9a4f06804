from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activity.services import record

from .models import Project

_S = Project.Status
# Where a project may go from each status: forward through preparation to ongoing and
# completed, stopped at any point before completion, and back a step when the plan changes
# (a stopped project restarted, a completed one reopened).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.IDEA: frozenset({_S.PREPARATION, _S.ONGOING, _S.STOPPED}),
    _S.PREPARATION: frozenset({_S.IDEA, _S.ONGOING, _S.STOPPED}),
    _S.ONGOING: frozenset({_S.COMPLETED, _S.STOPPED}),
    _S.COMPLETED: frozenset({_S.ONGOING}),
    _S.STOPPED: frozenset({_S.IDEA, _S.PREPARATION, _S.ONGOING}),
}


def project_status_check(*, project: Project, status: str) -> None:
    """Refuse a status the project cannot reach from its stored one (a new project may start
    in any status)."""
    if project.pk is None:
        return
    stored = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
    if stored is None or stored == status or status in ALLOWED_TRANSITIONS[stored]:
        return
    raise ValidationError(
        _("A project cannot go from “%(old)s” to “%(new)s”.")
        % {"old": _S(stored).label, "new": _S(status).label},
        code="transition",
    )


@transaction.atomic
def project_save(*, project: Project, actor) -> Project:
    """Save a project edited as a whole (the admin form); a new status follows
    ALLOWED_TRANSITIONS and is recorded in the action log ("project.status")."""
    stored = None
    if project.pk is not None:
        stored = (
            Project.objects.select_for_update()
            .filter(pk=project.pk)
            .values_list("status", flat=True)
            .first()
        )
    project_status_check(project=project, status=project.status)
    project.save()
    if stored != project.status:
        record(actor, "project.status", project, from_status=stored or "", status=project.status)
    return project


@transaction.atomic
def project_publish(*, project: Project, is_published: bool = True) -> Project:
    project.is_published = is_published
    project.save(update_fields=["is_published", "updated_at"])
    return project


@transaction.atomic
def contact_person_erase(user) -> None:
    """Before an account is deleted: the projects keep running without a named contact."""
    for project in Project.objects.filter(contact=user):
        project.contact = None
        project.save(update_fields=["contact", "updated_at"])
