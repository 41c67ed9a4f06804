"""The steps of an affiliation that used to happen silently now send mail through the outbox:
the secretariat hears of a new request; the person of its confirmation or refusal."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from activity.models import Action
from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    UserFactory,
    staff_with_totp,
)
from members import services
from members.models import Affiliation
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():
    """One who may confirm affiliations, one staff member who may not."""
    confirmer = UserFactory(is_staff=True, email="sekretariat@almennet.dk")
    confirmer.user_permissions.add(Permission.objects.get(codename="change_affiliation"))
    UserFactory(is_staff=True, email="kommunikation@almennet.dk")
    return confirmer


def _request(**user):
    person = UserFactory(first_name="Lise", last_name="Ny", email="lise@bolig.dk", **user)
    organisation = OrganisationFactory(name="Boligselskabet Åen")
    return services.affiliation_request(
        user=person, organisation=organisation, role=Affiliation.Role.EMPLOYEE
    )


def test_a_new_request_is_mailed_to_those_who_may_confirm_it(
    secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = _request()
    assert [m.to for m in mail.outbox] == [["sekretariat@almennet.dk"]]
    message = mail.outbox[0]
    assert message.subject.endswith("Anmodning om tilknytning: Lise Ny, Boligselskabet Åen")
    assert "Lise Ny (lise@bolig.dk) beder om at blive tilknyttet Boligselskabet Åen" in message.body
    assert reverse("admin:members_affiliation_change", args=[affiliation.pk]) in message.body


def test_the_person_is_told_in_danish_when_confirmed(
    secretariat, django_capture_on_commit_callbacks
):
    affiliation = _request()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_confirm(affiliation=affiliation, actor=secretariat)
        services.affiliation_confirm(affiliation=affiliation, actor=secretariat)  # no 2nd mail
    assert [m.to for m in mail.outbox] == [["lise@bolig.dk"]]
    assert "Du er nu tilknyttet Boligselskabet Åen" in mail.outbox[0].subject
    assert "Sekretariatet har bekræftet, at du arbejder hos Boligselskabet Åen" in (
        mail.outbox[0].body
    )


def test_refusing_deletes_the_request_logs_it_and_tells_the_person_why(
    secretariat, django_capture_on_commit_callbacks
):
    affiliation = _request()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.affiliation_refuse(
            affiliation=affiliation, actor=secretariat, reason="Vi kender dig ikke."
        )
    assert not Affiliation.objects.filter(pk=affiliation.pk).exists()
    action = Action.objects.get(verb="affiliation.refused")
    assert action.actor == secretariat and action.data["reason"] == "Vi kender dig ikke."
    assert [m.to for m in mail.outbox] == [["lise@bolig.dk"]]
    assert "Din anmodning om tilknytning til Boligselskabet Åen" in mail.outbox[0].subject
    assert "kunne ikke bekræfte" in mail.outbox[0].body
    assert "Vi kender dig ikke." in mail.outbox[0].body


def test_a_confirmed_affiliation_cannot_be_refused(secretariat):
    affiliation = AffiliationFactory()
    with pytest.raises(ValidationError):
        services.affiliation_refuse(affiliation=affiliation, actor=secretariat)
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


def test_the_admin_refuses_the_selected_requests(django_capture_on_commit_callbacks):
    staff = staff_with_totp(is_superuser=True)
    client = Client()
    client.force_login(staff)
    waiting = _request()
    confirmed = AffiliationFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_affiliation_changelist"),
            {"action": "refuse_affiliations", "_selected_action": [waiting.pk, confirmed.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 anmodning afvist." in response.content.decode()
    assert not Affiliation.objects.filter(pk=waiting.pk).exists()
    assert Affiliation.objects.filter(pk=confirmed.pk).exists()
    assert [m.to for m in mail.outbox] == [["lise@bolig.dk"]]


def test_the_mails_are_named_in_the_delivery_log(secretariat):
    from outbox.registry import mail_kinds

    _request()
    message = OutboxMessage.objects.get()
    assert str(mail_kinds()[message.template]) == "Tilknytning: ny anmodning (til sekretariatet)"
