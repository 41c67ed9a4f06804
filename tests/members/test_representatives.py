"""Representatives are appointed by staff, never self-declared (issue 12, finding 5)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from members import services
from members.forms import AffiliationRequestForm
from members.models import Affiliation
from members.selectors import user_can_see_engagement_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    from devtools.factories.strategy import staff_user

    client.force_login(staff_user())
    return client


def test_a_person_cannot_ask_to_be_a_representative(client):
    organisation = OrganisationFactory()
    user = UserFactory()
    assert "representative" not in dict(AffiliationRequestForm().fields["role"].choices)
    client.force_login(user)
    response = client.post(
        reverse("members:affiliation_request"),
        {
            "organisation": organisation.pk,
            "role": "representative",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "role" in response.context["affiliation_form"].errors
    assert not Affiliation.objects.filter(user=user).exists()
    with pytest.raises(ValidationError) as info:
        services.affiliation_request(
            user=user, organisation=organisation, role=Affiliation.Role.REPRESENTATIVE
        )
    assert "role" in info.value.message_dict
    assert not Affiliation.objects.filter(user=user).exists()


def test_a_request_cannot_be_dated_back(client):
    organisation = OrganisationFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("members:affiliation_request"),
        {"organisation": organisation.pk, "role": "employee", "starts_on": "1990-01-01"},
    )
    assert response.status_code == 400
    assert "starts_on" in response.context["affiliation_form"].errors
    with pytest.raises(ValidationError) as info:
        services.affiliation_request(
            user=user,
            organisation=organisation,
            role="employee",
            starts_on=datetime.date(1990, 1, 1),
        )
    assert "starts_on" in info.value.message_dict
    assert not Affiliation.objects.filter(user=user).exists()
    today = timezone.localdate()
    affiliation = services.affiliation_request(
        user=user, organisation=organisation, role="employee", starts_on=today
    )
    assert affiliation.starts_on == today


def test_confirming_a_request_gives_no_engagement_report(superuser_client):
    user = UserFactory()
    affiliation = services.affiliation_request(
        user=user, organisation=OrganisationFactory(), role="employee"
    )
    superuser_client.post(
        reverse("admin:members_affiliation_changelist"),
        {"action": "confirm_affiliations", "_selected_action": [affiliation.pk]},
    )
    affiliation.refresh_from_db()
    assert affiliation.confirmed_at is not None
    assert not user_can_see_engagement_report(user=user)


def test_confirming_a_second_representative_warns(superuser_client):
    organisation = OrganisationFactory(name="Boligselskabet Vest")
    sitting = AffiliationFactory(organisation=organisation, role="representative").user
    organisation.council_voter = sitting
    organisation.save()
    newcomer = AffiliationFactory(
        organisation=organisation, role="representative", confirmed_at=None
    )
    response = superuser_client.post(
        reverse("admin:members_affiliation_changelist"),
        {"action": "confirm_affiliations", "_selected_action": [newcomer.pk]},
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Boligselskabet Vest" in t and str(sitting) in t for t in texts), texts
    # An employee at the same organisation: nothing to warn about.
    employee = AffiliationFactory(organisation=organisation, confirmed_at=None)
    response = superuser_client.post(
        reverse("admin:members_affiliation_changelist"),
        {"action": "confirm_affiliations", "_selected_action": [employee.pk]},
    )
    assert not [m for m in get_messages(response.wsgi_request) if str(employee.user) in str(m)]


def test_the_council_voter_must_be_a_confirmed_representative(superuser_client):
    organisation = OrganisationFactory()
    employee = AffiliationFactory(organisation=organisation, role="employee").user
    organisation.council_voter = employee
    with pytest.raises(ValidationError) as info:
        services.organisation_save(organisation=organisation, actor=None)
    assert "council_voter" in info.value.message_dict
    representative = AffiliationFactory(organisation=organisation, role="representative").user
    organisation.council_voter = representative
    services.organisation_save(organisation=organisation, actor=None)
    organisation.refresh_from_db()
    assert organisation.council_voter == representative
    # The field is in the organisation's admin page.
    page = superuser_client.get(
        reverse("admin:members_organisation_change", args=[organisation.pk])
    )
    assert page.status_code == 200 and 'name="council_voter"' in page.content.decode()
