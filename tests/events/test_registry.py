"""What events plugs into members (registry): report columns, panels, personal data."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from devtools.factories.events import EventFactory, RegistrationFactory, past_event
from devtools.factories.members import AffiliationFactory, OrganisationFactory
from events.models import Registration
from members import registry

pytestmark = pytest.mark.django_db
Status = Registration.Status


def _metric(key):
    return next(m for m in registry.engagement_metrics() if m.key == key)


def test_engagement_metrics_count_sign_ups_and_attendance_per_organisation_in_the_period():
    home, other = OrganisationFactory(), OrganisationFactory()
    last_month = past_event()
    RegistrationFactory(event=last_month, organisation=home, status=Status.ATTENDED)
    RegistrationFactory(event=last_month, organisation=home, status=Status.NO_SHOW)
    RegistrationFactory(event=last_month, organisation=home, status=Status.CANCELLED)
    RegistrationFactory(event=last_month, organisation=other, status=Status.ATTENDED)
    RegistrationFactory(event=EventFactory(), organisation=home)  # next week: outside
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=90), today
    ids = [home.pk, other.pk]
    assert _metric("event_signups").compute(ids, start, end) == {home.pk: 2, other.pk: 1}
    assert _metric("event_attendance").compute(ids, start, end) == {home.pk: 1, other.pk: 1}
    assert _metric("event_signups").compute([other.pk], start, end) == {other.pk: 1}


def test_organisation_panel_lists_its_event_participation():
    organisation = OrganisationFactory()
    panel = next(p for p in registry.organisation_panels() if p.key == "event_participation")
    assert panel.context(organisation=organisation, user=None) is None
    event = past_event(title="ERFA-møde")
    RegistrationFactory(event=event, organisation=organisation, status=Status.ATTENDED)
    RegistrationFactory(event=event, organisation=organisation, status=Status.NO_SHOW)
    context = panel.context(organisation=organisation, user=None)
    row = context["participation"][0]
    assert (row.title, row.from_organisation, row.attended_from_organisation) == ("ERFA-møde", 2, 1)
    html = render_to_string(panel.template, context)
    assert "ERFA-møde" in html


def test_my_page_panel_shows_upcoming_registrations():
    panel = next(p for p in registry.my_page_panels() if p.key == "event_registrations")
    registration = RegistrationFactory(event=EventFactory(title="Næste seminar"))
    RegistrationFactory(user=registration.user, event=past_event(title="Gammelt"))
    context = panel.context(user=registration.user)
    assert [r.event.title for r in context["registrations"]] == ["Næste seminar"]
    assert "Næste seminar" in render_to_string(panel.template, context)


def test_personal_data_export_and_erase():
    entry = next(p for p in registry.personal_data_sources() if p.key == "events")
    affiliation = AffiliationFactory()
    registration = RegistrationFactory(
        user=affiliation.user,
        organisation=affiliation.organisation,
        dietary_needs="Vegetar",
        comment="Hilsen",
    )
    exported = entry.export(affiliation.user)
    assert exported[0]["event"] == registration.event.title
    assert exported[0]["dietary_needs"] == "Vegetar"
    import json

    json.dumps(exported)  # JSON-serialisable
    entry.erase(affiliation.user)
    registration.refresh_from_db()
    assert registration.user is None and registration.comment == ""
    assert registration.organisation == affiliation.organisation
    affiliation.user.delete()
    assert Registration.objects.filter(pk=registration.pk).exists()
