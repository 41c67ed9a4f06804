"""What strategy shows on project pages and in the projects admin comes through
almennet/related.py (projects never names strategy): the focus-area line on list rows, the
focus-area filter, the focus areas under "Related", the admin's focus-area filter."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.projects import ProjectFactory
from strategy.models import FocusArea

pytestmark = pytest.mark.django_db


def _area(title: str, *projects) -> FocusArea:
    area = FocusArea.objects.create(title=title, slug=title.lower())
    area.projects.add(*projects)
    return area


def test_list_rows_show_their_focus_areas_and_the_list_filters_by_them(client):
    climate = ProjectFactory(title="Klimaprojektet")
    other = ProjectFactory(title="Andet projekt")
    _area("Klima", climate)
    _area("Tryghed", climate, other)
    content = client.get(reverse("projects:list")).content.decode()
    assert "Klima, Tryghed" in content
    filtered = client.get(reverse("projects:list"), {"focus": "klima"}).content.decode()
    assert "Klimaprojektet" in filtered and "Andet projekt" not in filtered
    assert 'name="focus"' in filtered  # the filter strategy registered is in the form


def test_focus_area_lines_cost_one_query_whatever_the_number_of_rows(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("projects:list"))
        return len(captured)

    _area("Klima", ProjectFactory())
    few = queries()
    _area("Tryghed", *[ProjectFactory() for _ in range(10)])
    assert queries() == few


def test_detail_lists_the_projects_focus_areas_under_related(client):
    project = ProjectFactory(title="Klimaprojektet")
    _area("Klima", project)
    _area("Andet", ProjectFactory())
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Klima" in content and "Andet" not in content


def test_the_projects_admin_filters_by_focus_area(django_user_model):
    from allauth.mfa.models import Authenticator

    staff = django_user_model.objects.create_superuser(email="staff@example.dk", password="x")
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    climate = ProjectFactory(title="Klimaprojektet")
    ProjectFactory(title="Andet projekt")
    area = _area("Klima", climate)
    url = reverse("admin:projects_project_changelist")
    page = client.get(url).content.decode()
    assert f"focus_areas__id__exact={area.pk}" in page
    filtered = client.get(url, {"focus_areas__id__exact": area.pk}).content.decode()
    assert "Klimaprojektet" in filtered and "Andet projekt" not in filtered
