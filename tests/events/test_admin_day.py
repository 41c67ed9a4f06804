"""The secretariat's admin for the day and the participants: contradicting dates refused,
Copenhagen time, mail to participants and the waiting list, admitting from the waiting list by
hand, the export with numeric prices and a column per session."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Action
from devtools.factories.events import EventFactory, RegistrationFactory, event_today
from devtools.factories.members import UserFactory
from events import check_in
from events.models import Event, EventSession, Registration
from outbox.models import OutboxMessage
from tests.events.test_admin import _action, _event_post_data, _export_rows, _formats

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = Registration.Status


def _local(value: datetime.datetime) -> dict:
    local = value.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def _dates(**values) -> dict:
    data = {}
    for name, value in values.items():
        parts = _local(value)
        data[f"{name}_0"], data[f"{name}_1"] = parts["0"], parts["1"]
    return data


def test_model_refuses_deadlines_after_the_start():
    event = EventFactory()
    start = event.sessions.get().starts_at
    event.cancellation_deadline = start + datetime.timedelta(days=30)
    event.signup_closes_at = start + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert set(error.value.message_dict) == {"cancellation_deadline", "signup_closes_at"}
    event.signup_opens_at = start - datetime.timedelta(days=1)
    event.signup_closes_at = start - datetime.timedelta(days=2)
    event.cancellation_deadline = start - datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="close before it opens"):
        event.full_clean()
    event.signup_opens_at = None
    event.full_clean()


@pytest.mark.parametrize("field", ["cancellation_deadline", "signup_closes_at"])
def test_admin_refuses_a_deadline_after_the_start(admin_client_secretary, field):
    event = EventFactory()
    start = event.sessions.get().starts_at
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _event_post_data(event, **_dates(**{field: start + datetime.timedelta(days=30)}))
    response = admin_client_secretary.post(url, data)
    assert response.status_code == 200
    assert "before the event starts" in response.content.decode()
    event.refresh_from_db()
    assert getattr(event, field) < start
    # Moving the session later in the same save makes the same deadline valid. Its end moves
    # by as much (a session that runs past midnight ends on the next day).
    session = event.sessions.get()
    moved = datetime.timedelta(days=40)
    data.update(
        {
            "sessions-0-starts_at_0": _local(session.starts_at + moved)["0"],
            "sessions-0-ends_at_0": _local(session.ends_at + moved)["0"],
        }
    )
    response = admin_client_secretary.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_admin_shows_sessions_and_times_in_copenhagen_time(admin_client_secretary):
    starts = datetime.datetime(2026, 12, 15, 8, 0, tzinfo=datetime.UTC)
    event = EventFactory(
        title="Kursus",
        sessions=[(starts, starts + datetime.timedelta(hours=7))],
        signup_closes_at=starts - datetime.timedelta(days=2),
        cancellation_deadline=starts - datetime.timedelta(days=3),
    )
    session = event.sessions.get()
    assert str(session) == "Kursus 15.12.2026 09:00"
    page = admin_client_secretary.get(reverse("admin:events_event_change", args=[event.pk]))
    text = page.content.decode()
    assert "15.12.2026 09:00" in text and "2026-12-15 08:00" not in text
    listing = admin_client_secretary.get(reverse("admin:events_event_changelist")).content
    assert "9 a.m." in listing.decode() or "09:00" in listing.decode()
    assert EventSession.objects.get().starts_at == starts


def test_mail_the_participants_and_the_waiting_list(admin_client_secretary, secretary):
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, user=UserFactory(first_name="Siddende"))
    waiting = RegistrationFactory(
        event=event, status=Status.WAITING, waiting_position=1, user=UserFactory()
    )
    RegistrationFactory(event=event, status=Status.CANCELLED, user=UserFactory())
    change = admin_client_secretary.get(reverse("admin:events_event_change", args=[event.pk]))
    url = reverse("admin:events_event_mail", args=[event.pk, "participants"])
    assert url in change.content.decode()
    page = admin_client_secretary.get(url)
    assert page.status_code == 200 and seated.user.email in page.content.decode()
    assert waiting.user.email not in page.content.decode()
    bad = admin_client_secretary.post(url, {"subject": "", "text": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert not OutboxMessage.objects.exists()
    response = admin_client_secretary.post(
        url, {"subject": "Praktisk info", "text": "Husk madpakke <b>i dag</b>."}
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.to == seated.user.email and message.subject == "Praktisk info"
    assert "Husk madpakke" in message.body_text and "<b>i dag" not in message.body_html
    waiting_url = reverse("admin:events_event_mail", args=[event.pk, "waiting"])
    admin_client_secretary.post(waiting_url, {"subject": "Venteliste", "text": "Hej"})
    assert OutboxMessage.objects.filter(to=waiting.user.email, subject="Venteliste").exists()
    logged = Action.objects.filter(actor=secretary, verb="event.mailed")
    assert sorted(a.data["audience"] for a in logged) == ["participants", "waiting"]
    assert (
        admin_client_secretary.get(
            reverse("admin:events_event_mail", args=[event.pk, "nobody"])
        ).status_code
        == 404
    )


def test_mail_page_is_closed_to_staff_without_event_rights(client):
    from devtools.factories.members import staff_with_totp

    event = EventFactory()
    client.force_login(staff_with_totp())
    response = client.get(reverse("admin:events_event_mail", args=[event.pk, "participants"]))
    assert response.status_code in (302, 403)


def test_admit_from_the_waiting_list_by_hand(admin_client_secretary, secretary):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=1)
    second = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=2)
    response = _action(admin_client_secretary, "admit_from_waiting_list", [second])
    assert "full" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.WAITING
    _action(admin_client_secretary, "admit_from_waiting_list_with_seat", [second])
    second.refresh_from_db()
    first.refresh_from_db()
    event.refresh_from_db()
    assert second.status == Status.CONFIRMED and event.capacity == 2
    assert first.status == Status.WAITING and first.waiting_position == 1
    assert OutboxMessage.objects.filter(to=second.user.email).exists()
    assert Action.objects.filter(verb="event.capacity_changed", actor=secretary).exists()
    response = _action(admin_client_secretary, "admit_from_waiting_list", [second])
    assert "not on the waiting list" in response.content.decode()


def test_export_has_numeric_prices_and_a_column_per_session(admin_client_secretary, secretary):
    course = event_today(kind=Event.Kind.COURSE, days=2)
    came = RegistrationFactory(event=course, user=UserFactory(first_name="Kom"))
    free = RegistrationFactory(event=course, price=0)
    check_in.session_check_in(registration=came, actor=secretary)
    xlsx = next(i for i, f in enumerate(_formats()) if f.__name__ == "XLSX")
    csv_index = next(i for i, f in enumerate(_formats()) if f.__name__ == "CSV")
    response = _export_rows(admin_client_secretary, str(xlsx), [came, free])
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = list(rows[0])
    price = header.index("Price (DKK)")
    assert {row[price] for row in rows[1:]} == {900, 0}
    first, second = course.sessions.order_by("starts_at")
    session_columns = [h for h in header if h and h[:2].isdigit() and "-" in h]
    assert len(session_columns) == 2
    came_row = next(row for row in rows[1:] if "Kom" in (row[header.index("Name")] or ""))
    assert (
        came_row[header.index(session_columns[0])]
        and not came_row[header.index(session_columns[1])]
    )
    response = _export_rows(admin_client_secretary, str(csv_index), [came, free])
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "kr" not in " ".join(row[table[0].index("Price (DKK)")] for row in table[1:])


def test_demo_events_pass_validation():
    from devtools.demo import events as demo

    demo.seed(stdout=io.StringIO())
    for event in Event.objects.all():
        event.full_clean()
    seminar = Event.objects.get(slug="aarsseminar")
    assert seminar.cancellation_deadline < seminar.sessions.order_by("starts_at")[0].starts_at
