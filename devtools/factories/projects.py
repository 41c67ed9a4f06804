import datetime

import factory
from factory.django import DjangoModelFactory

from devtools.factories.members import OrganisationFactory
from projects.models import Milestone, Project, ProjectParticipant


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Udviklingsprojekt {n}")
    slug = factory.Sequence(lambda n: f"udviklingsprojekt-{n}")
    summary = "Et projekt om boligafdelinger i forandring."
    status = Project.Status.ONGOING
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    owner = factory.SubFactory(OrganisationFactory)
    is_published = True


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = ProjectParticipant

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProjectParticipant.Role.MEMBER


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milepæl {n}")
    due_on = datetime.date(2025, 6, 1)
