from django.db import transaction

from .models import Project


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
