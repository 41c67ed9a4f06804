"""The secretariat's admin: participant lists, moves between states, add by hand, export."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from activity.models import Action
from activity.selectors import actions_for
from devtools.factories.events import EventFactory, RegistrationFactory, event_today
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events.models import Event, Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = Registration.Status


def test_event_changelist_and_change_page_with_sessions_and_participants(admin_client_secretary):
    event = EventFactory(title="Årsseminar")
    RegistrationFactory(event=event, user=UserFactory(first_name="Deltager", last_name="Et"))
    response = admin_client_secretary.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200 and "Årsseminar" in response.content.decode()
    page = admin_client_secretary.get(reverse("admin:events_event_change", args=[event.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "sessions-TOTAL_FORMS" in text and "Deltager Et" in text
    assert reverse("events:check_in", args=[event.slug]) in text


def _event_post_data(event, **changes):
    session = event.sessions.get()
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "summary": event.summary,
        "body": event.body,
        "is_published": "on",
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "region": event.region,
        "capacity": event.capacity,
        "member_price": event.member_price,
        "non_member_price": event.non_member_price,
        "signup_opens_at_0": "",
        "signup_opens_at_1": "",
        "signup_closes_at_0": "",
        "signup_closes_at_1": "",
        "cancellation_deadline_0": "",
        "cancellation_deadline_1": "",
        "contact": "",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "1",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-id": session.pk,
        "sessions-0-event": event.pk,
        "sessions-0-starts_at_0": session.starts_at.astimezone().strftime("%Y-%m-%d"),
        "sessions-0-starts_at_1": session.starts_at.astimezone().strftime("%H:%M:%S"),
        "sessions-0-ends_at_0": session.ends_at.astimezone().strftime("%Y-%m-%d"),
        "sessions-0-ends_at_1": session.ends_at.astimezone().strftime("%H:%M:%S"),
        "sessions-0-title": "",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_lowering_capacity_below_confirmed_seats_is_refused_in_admin(admin_client_secretary):
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client_secretary.post(url, _event_post_data(event, capacity=1))
    assert response.status_code == 200
    assert "lower than the 2 seats" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 3


def test_raising_capacity_in_admin_promotes_the_waiting_list(admin_client_secretary):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=1)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client_secretary.post(url, _event_post_data(event, capacity=2))
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    waiting.refresh_from_db()
    assert event.capacity == 2 and waiting.status == Status.CONFIRMED


def test_admin_body_is_sanitised(admin_client_secretary):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    admin_client_secretary.post(
        url, _event_post_data(event, body="<p>Hej</p><script>alert(1)</script>")
    )
    assert Event.objects.get(pk=event.pk).body == "<p>Hej</p>"


def _action(client, name, registrations):
    return client.post(
        reverse("admin:events_registration_changelist"),
        {"action": name, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


def test_actions_approve_reject_attend_no_show_cancel(admin_client_secretary, secretary):
    event = event_today(capacity=1, requires_approval=True)
    first, second, third = (
        RegistrationFactory(event=event, status=Status.PENDING) for _ in range(3)
    )
    _action(admin_client_secretary, "move_to_confirmed", [first])
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED
    response = _action(admin_client_secretary, "move_to_confirmed", [second])
    second.refresh_from_db()
    assert second.status == Status.PENDING
    assert "full" in response.content.decode()
    _action(admin_client_secretary, "move_to_waiting", [second])
    _action(admin_client_secretary, "move_to_rejected", [third])
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.WAITING, Status.REJECTED)
    _action(admin_client_secretary, "move_to_attended", [first])
    first.refresh_from_db()
    assert first.status == Status.ATTENDED
    _action(admin_client_secretary, "move_to_no_show", [first])
    first.refresh_from_db()
    assert first.status == Status.NO_SHOW
    _action(admin_client_secretary, "move_to_confirmed", [first])
    _action(admin_client_secretary, "move_to_cancelled", [first])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CANCELLED and second.status == Status.CONFIRMED
    assert Action.objects.filter(actor=secretary, verb__startswith="registration.").count() >= 7


def test_registration_change_page_shows_history_and_keeps_status_read_only(
    admin_client_secretary,
):
    registration = RegistrationFactory()
    url = reverse("admin:events_registration_change", args=[registration.pk])
    response = admin_client_secretary.get(url)
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    admin_client_secretary.post(
        url,
        {
            "dietary_needs": "Glutenfri",
            "comment": "",
            "log-TOTAL_FORMS": "0",
            "log-INITIAL_FORMS": "0",
            "log-MIN_NUM_FORMS": "0",
            "log-MAX_NUM_FORMS": "0",
        },
    )
    registration.refresh_from_db()
    assert registration.dietary_needs == "Glutenfri"
    assert actions_for(target=registration).get().verb == "registration.edited"


def _add(client, **data):
    return client.post(
        reverse("admin:events_registration_add"),
        {
            "dietary_needs": "",
            "comment": "",
            "organisation": "",
            "log-TOTAL_FORMS": "0",
            "log-INITIAL_FORMS": "0",
            "log-MIN_NUM_FORMS": "0",
            "log-MAX_NUM_FORMS": "0",
            **data,
        },
    )


def test_add_a_participant_by_hand(admin_client_secretary, secretary):
    event = EventFactory(capacity=1)
    member = AffiliationFactory().user
    response = _add(admin_client_secretary, event=event.pk, user=member.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Status.CONFIRMED and registration.price == event.member_price
    assert actions_for(target=registration).get().actor == secretary
    other = UserFactory()
    _add(admin_client_secretary, event=event.pk, user=other.pk)
    assert Registration.objects.get(event=event, user=other).status == Status.WAITING


def test_adding_someone_twice_or_for_a_foreign_organisation_is_refused(admin_client_secretary):
    registration = RegistrationFactory()
    response = _add(admin_client_secretary, event=registration.event.pk, user=registration.user.pk)
    assert response.status_code == 200 and "already signed up" in response.content.decode()
    stranger = OrganisationFactory()
    response = _add(
        admin_client_secretary,
        event=registration.event.pk,
        user=UserFactory().pk,
        organisation=stranger.pk,
    )
    assert "not affiliated" in response.content.decode()
    assert Registration.objects.count() == 1


def test_adding_without_a_participant_asks_for_one_instead_of_failing(admin_client_secretary):
    """The participant may be empty on the model (erased people stay as statistics), so the add
    form let staff save without one and the sign-up service's refusal became a server error."""
    event = EventFactory()
    form = admin_client_secretary.get(reverse("admin:events_registration_add"))
    assert "search by name or email" in form.content.decode()
    response = _add(admin_client_secretary, event=event.pk, user="")
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Registration.objects.exists()


def test_registrations_cannot_be_deleted(admin_client_secretary):
    registration = RegistrationFactory()
    url = reverse("admin:events_registration_delete", args=[registration.pk])
    assert admin_client_secretary.post(url, {"post": "yes"}).status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()


def _export(client, file_format, registrations):
    return client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "export_admin_action",
            "_selected_action": [r.pk for r in registrations],
            "format": file_format,
            "resource": "0",
        },
    )


def _export_rows(client, file_format, registrations):
    changelist = reverse("admin:events_registration_changelist")
    response = _export(client, file_format, registrations)
    if response.status_code == 200 and "attachment" not in response.get("Content-Disposition", ""):
        # import-export 4 shows a form to pick the fields first
        form = response.context["form"]
        data = {
            "format": file_format,
            "resource": "0",
            "export_items": [r.pk for r in registrations],
        }
        for name in form.fields:
            if name.startswith("registrationresource_"):
                data[name] = "on"
        response = client.post(reverse("admin:events_registration_export"), data)
    assert response.status_code == 200, changelist
    return response


def test_export_csv_and_excel_with_organisation_and_ean(admin_client_secretary):
    organisation = OrganisationFactory(name="Boligselskabet Lærkereden", ean="5798000000007")
    registration = RegistrationFactory(
        organisation=organisation, user=UserFactory(first_name="Mette", last_name="Holm")
    )
    csv_index = next(i for i, f in enumerate(_formats()) if f.__name__ == "CSV")
    xlsx_index = next(i for i, f in enumerate(_formats()) if f.__name__ == "XLSX")
    response = _export_rows(admin_client_secretary, str(csv_index), [registration])
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "EAN" in rows[0] and "Organisation" in rows[0]
    assert "5798000000007" in rows[1] and "Boligselskabet Lærkereden" in rows[1]
    assert "Mette Holm" in rows[1]
    response = _export_rows(admin_client_secretary, str(xlsx_index), [registration])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "EAN" in values[0] and "5798000000007" in values[1]


def test_export_shows_the_sign_up_time_in_danish_local_time(admin_client_secretary):
    """The sign-up time was exported as raw UTC with microseconds and an offset."""
    import datetime

    registration = RegistrationFactory()
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime.datetime(2026, 11, 27, 11, 46, 3, 379347, tzinfo=datetime.UTC)
    )
    csv_index = next(i for i, f in enumerate(_formats()) if f.__name__ == "CSV")
    xlsx_index = next(i for i, f in enumerate(_formats()) if f.__name__ == "XLSX")
    response = _export_rows(admin_client_secretary, str(csv_index), [registration])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    signed_up = rows[0].index("Signed up")
    assert rows[1][signed_up] == "27-11-2026 12:46"
    # Named by the model's plural in the request's language (it was "Registration-<date>.csv").
    assert 'filename="registrations-' in response["Content-Disposition"]
    response = _export_rows(admin_client_secretary, str(xlsx_index), [registration])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = list(sheet.iter_rows(values_only=True))[1][signed_up]
    # A real date-time in Copenhagen time (Excel keeps milliseconds only).
    assert cell.replace(second=0, microsecond=0) == datetime.datetime(2026, 11, 27, 12, 46)


def _formats():
    from events.admin import RegistrationAdmin

    return RegistrationAdmin.export_formats


def test_plain_staff_without_event_rights_cannot_use_the_registration_admin(client):
    from allauth.mfa.models import Authenticator

    staff = UserFactory(is_staff=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get(reverse("admin:events_registration_changelist")).status_code == 403
    registration = RegistrationFactory(status=Status.PENDING)
    client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "move_to_confirmed", "_selected_action": [registration.pk]},
    )
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
