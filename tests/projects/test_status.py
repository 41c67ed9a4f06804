"""A project's status moves along projects.services.ALLOWED_TRANSITIONS, in the service and in
the admin, and each move is recorded in the action log."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.selectors import actions_for
from devtools.factories.members import UserFactory
from devtools.factories.projects import ProjectFactory
from devtools.factories.strategy import give_mfa
from members.groups import groups_sync
from projects import services
from projects.models import Project

pytestmark = pytest.mark.django_db
Status = Project.Status


def test_the_table_covers_every_status():
    assert set(services.ALLOWED_TRANSITIONS) == set(Status.values)


def test_the_service_refuses_a_move_outside_the_table_and_records_an_allowed_one():
    staff = UserFactory(is_staff=True)
    project = ProjectFactory(status=Status.IDEA)
    project.status = Status.COMPLETED
    with pytest.raises(ValidationError):
        services.project_save(project=project, actor=staff)
    project.refresh_from_db()
    assert project.status == Status.IDEA
    project.status = Status.PREPARATION
    services.project_save(project=project, actor=staff)
    row = actions_for(target=project).get()
    assert (row.verb, row.actor, row.data) == (
        "project.status",
        staff,
        {"from_status": "idea", "status": "preparation"},
    )


def test_the_admin_refuses_a_move_outside_the_table(client):
    groups_sync()
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    give_mfa(editor)
    project = ProjectFactory(status=Status.IDEA)
    client.force_login(editor)
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        # A file field's initial (the cover image) is not something a browser posts back.
        if value is not None and not isinstance(value, list) and name != "cover_image"
    }
    data.update(
        {
            "owner": project.owner_id,
            "status": Status.COMPLETED,
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.status == Status.IDEA
    data["status"] = Status.PREPARATION
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.status == Status.PREPARATION
    assert actions_for(target=project).get().actor == editor
