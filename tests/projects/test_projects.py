import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.members import OrganisationFactory, member_user, staff_with_totp
from devtools.factories.projects import MilestoneFactory, ParticipantFactory, ProjectFactory
from devtools.factories.publications import PublicationFactory
from members.registry import engagement_metrics, organisation_panels
from projects.models import Project, ProjectParticipant
from projects.selectors import organisation_projects, project_participation_counts

pytestmark = pytest.mark.django_db


def test_list_shows_published_projects_and_filters_by_status_owner_partner_and_year(client):
    owner = OrganisationFactory(name="Boligselskabet Vest", slug="vest")
    partner = OrganisationFactory(name="Videncenter Øst", slug="oest")
    ongoing = ProjectFactory(title="Tryg opgang", owner=owner)
    ParticipantFactory(project=ongoing, organisation=partner, role="knowledge")
    ProjectFactory(
        title="Gammelt projekt",
        status=Project.Status.COMPLETED,
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2017, 1, 1),
    )
    ProjectFactory(title="Hemmeligt udkast", is_published=False)
    url = reverse("projects:list")

    def titles(**params):
        content = client.get(url, params).content.decode()
        return {t for t in ("Tryg opgang", "Gammelt projekt", "Hemmeligt udkast") if t in content}

    assert titles() == {"Tryg opgang", "Gammelt projekt"}
    assert titles(status="completed") == {"Gammelt projekt"}
    assert titles(owner="vest") == {"Tryg opgang"}
    assert titles(partner="oest") == {"Tryg opgang"}
    assert titles(year="2016") == {"Gammelt projekt"}
    assert titles(year="2025") == {"Tryg opgang"}
    assert titles(sort="title") == {"Tryg opgang", "Gammelt projekt"}
    assert client.get(url, {"year": "x", "owner": "nope", "sort": "'"}).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_project_list_query_count_does_not_grow_with_rows(client):
    for _ in range(3):
        ParticipantFactory()
    few = _queries(client, reverse("projects:list"))
    for _ in range(30):
        ParticipantFactory()
    many = _queries(client, reverse("projects:list"))
    assert few == many, f"{few} queries for 3 rows, {many} for 33"


def test_detail_shows_partners_funding_milestones_outputs_and_hides_member_only(client):
    project = ProjectFactory(title="Energi i fællesskab", budget=Decimal("2500000"))
    ParticipantFactory(
        project=project,
        organisation=OrganisationFactory(name="Fonden for Boliger"),
        role="financial",
        amount_granted=Decimal("1200000"),
    )
    MilestoneFactory(project=project, title="Første måling", due_on=datetime.date(2025, 2, 1))
    public = PublicationFactory(title="Slutrapport om energi")
    secret = PublicationFactory(title="Intern evaluering", is_member_only=True)
    public.projects.add(project)
    secret.projects.add(project)
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Fonden for Boliger" in content and "Første måling" in content
    assert "1.200.000" in content
    assert "Slutrapport om energi" in content
    assert "Intern evaluering" not in content
    client.force_login(member_user())
    assert "Intern evaluering" in client.get(project.get_absolute_url()).content.decode()


def test_unpublished_project_is_404_except_for_staff_preview(client):
    project = ProjectFactory(is_published=False)
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(staff_with_totp())
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200 and "preview-banner" in response.content.decode()


def test_description_is_sanitised_and_status_change_is_dated():
    project = ProjectFactory(
        description='<p>Ok</p><img src=x onerror="alert(1)"><script>x</script>',
        status=Project.Status.IDEA,
    )
    project.refresh_from_db()
    assert project.description == "<p>Ok</p>"
    Project.objects.filter(pk=project.pk).update(status_changed_on=datetime.date(2020, 1, 1))
    project.refresh_from_db()
    project.status = Project.Status.ONGOING
    project.save()
    assert project.status_changed_on != datetime.date(2020, 1, 1)


def test_only_financial_partners_have_amounts():
    participant = ParticipantFactory.build(
        project=ProjectFactory(), organisation=OrganisationFactory(), amount_granted=Decimal(5)
    )
    with pytest.raises(ValidationError):
        participant.full_clean()
    with pytest.raises(IntegrityError):
        participant.save()


def test_organisation_panel_and_engagement_metric_are_registered_and_count():
    organisation = OrganisationFactory()
    owned = ProjectFactory(owner=organisation, title="Eget projekt")
    joined = ProjectFactory(title="Deltager i")
    ParticipantFactory(project=joined, organisation=organisation, role="member")
    ParticipantFactory(project=owned, organisation=organisation, role="knowledge")
    ProjectFactory(title="Andres", is_published=True)

    panel = next(p for p in organisation_panels() if p.key == "projects")
    context = panel.context(organisation=organisation, user=None)
    assert {row["project"].title for row in context["project_rows"]} == {
        "Eget projekt",
        "Deltager i",
    }
    assert panel.context(organisation=OrganisationFactory(), user=None) is None
    assert [r["roles"] for r in organisation_projects(organisation=organisation)]

    metric = next(m for m in engagement_metrics() if m.key == "project_participation")
    counts = metric.compute(
        [organisation.pk], datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert counts == {organisation.pk: 2}
    assert (
        project_participation_counts(
            [organisation.pk], datetime.date(2010, 1, 1), datetime.date(2010, 12, 31)
        )
        == {}
    )


def test_participants_are_unique_per_role():
    participant = ParticipantFactory()
    with pytest.raises(IntegrityError):
        ProjectParticipant.objects.create(
            project=participant.project, organisation=participant.organisation, role="member"
        )
