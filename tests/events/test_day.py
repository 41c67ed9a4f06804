"""The day itself: check-in only on the event's days, per session, walk-ins, badge codes."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from devtools.factories.events import (
    EventFactory,
    RegistrationFactory,
    event_today,
    local_at,
    sessions_from_today,
)
from devtools.factories.members import UserFactory
from events import check_in, pdf, services
from events.models import Event, Registration, SessionAttendance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = Registration.Status


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def test_before_the_event_nothing_changes_the_registration(secretary, client):
    """On 30 Nov a check-in to an event on 15 Dec made the registration attended."""
    event = EventFactory(kind=Event.Kind.COURSE)  # in ten days
    registration = RegistrationFactory(event=event)
    with pytest.raises(ValidationError, match="Check-in opens on the day"):
        check_in.session_check_in(registration=registration, actor=secretary)
    with pytest.raises(ValidationError, match="has not begun"):
        services.registration_check_in(registration=registration, actor=secretary)
    with pytest.raises(ValidationError, match="has not begun"):
        services.registration_move(
            registration=registration, status=Status.NO_SHOW, actor=secretary
        )
    client.force_login(secretary)
    url = en("events:check_in", event.slug)
    page = client.get(url).content.decode()
    assert 'id="check-in-closed"' in page and "check-in-button" not in page
    response = client.post(url, {"registration": registration.pk}, follow=True)
    assert "Check-in opens on the day" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.checked_in_at is None
    assert not SessionAttendance.objects.exists()
    # Still cancellable by its owner, and no certificate.
    certificates = client.get(en("events:certificates", event.slug)).content
    assert registration.person_name not in _text(certificates)
    services.registration_cancel(registration=registration, actor=registration.user)


def test_after_the_event_the_page_is_closed_but_the_admin_can_still_record(secretary):
    start, end = local_at(-3, 9), local_at(-3, 16)
    event = EventFactory(sessions=[(start, end)], signup_closes_at=local_at(-5, 9))
    registration = RegistrationFactory(event=event)
    with pytest.raises(ValidationError, match="taken place"):
        check_in.session_check_in(registration=registration, actor=secretary)
    attended = services.registration_check_in(registration=registration, actor=secretary)
    assert attended.status == Status.ATTENDED
    assert attended.attendances.count() == 1


def test_multi_day_course_checks_in_per_session(secretary):
    course = event_today(kind=Event.Kind.COURSE, days=2)
    first, second = course.sessions.order_by("starts_at")
    registration = RegistrationFactory(event=course)
    checked = check_in.session_check_in(registration=registration, actor=secretary)
    assert checked.status == Status.ATTENDED
    assert list(checked.attendances.values_list("session", flat=True)) == [first.pk]
    with pytest.raises(ValidationError, match="already checked in"):
        check_in.session_check_in(registration=registration, actor=secretary, session=first)
    with pytest.raises(ValidationError, match="not today"):
        check_in.session_check_in(registration=registration, actor=secretary, session=second)
    other = EventFactory(sessions=sessions_from_today(1))
    with pytest.raises(ValidationError, match="another event"):
        check_in.session_check_in(
            registration=registration, actor=secretary, session=other.sessions.get()
        )
    undone = check_in.session_check_in_undo(
        registration=registration, actor=secretary, session=first
    )
    assert undone.status == Status.CONFIRMED and not undone.attendances.exists()
    verbs = set(
        __import__("activity.models", fromlist=["Action"])
        .Action.objects.filter(actor=secretary)
        .values_list("verb", flat=True)
    )
    assert {"registration.session_checked_in", "registration.session_check_in_undone"} <= verbs


def test_walk_in_at_the_door_through_the_page(client, secretary):
    event = event_today()
    client.force_login(secretary)
    url = en("events:check_in", event.slug)
    response = client.post(
        url,
        {
            "walk_in": "1",
            "walk_in-name": "Dorte <b>Dørgæst</b>",
            "walk_in-organisation": "Lærkereden",
            "walk_in-email": "dorte@example.dk",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Dorte &lt;b&gt;Dørgæst&lt;/b&gt;" in text and "<b>Dørgæst" not in text
    walk_in = Registration.objects.get(event=event)
    assert walk_in.is_walk_in and walk_in.user is None and walk_in.status == Status.ATTENDED
    assert walk_in.attendances.count() == 1 and walk_in.price == 0


def test_walk_in_with_bad_input_is_refused_with_the_form(client, secretary):
    event = event_today()
    client.force_login(secretary)
    response = client.post(
        en("events:check_in", event.slug),
        {"walk_in": "1", "walk_in-name": "", "walk_in-email": "not an address"},
    )
    assert response.status_code == 200
    assert response.context["walk_in_form"].errors.keys() == {"name", "email"}
    assert not Registration.objects.exists()


def test_walk_in_before_the_event_is_refused(secretary):
    with pytest.raises(ValidationError, match="Check-in opens"):
        check_in.walk_in_add(event=EventFactory(), actor=secretary, name="Dorte")


def test_check_in_needs_staff_rights():
    from django.core.exceptions import PermissionDenied

    registration = RegistrationFactory(event=event_today())
    with pytest.raises(PermissionDenied):
        check_in.session_check_in(registration=registration, actor=UserFactory())


def test_badge_code_opens_the_person_and_nothing_else(client, secretary):
    event = event_today()
    anna = RegistrationFactory(event=event, user=UserFactory(first_name="Anna"))
    RegistrationFactory(event=event, user=UserFactory(first_name="Bo"))
    code = check_in.badge_code(registration=anna)
    assert check_in.badge_registration_id(code=code) == anna.pk
    assert check_in.badge_registration_id(code=check_in.badge_url(registration=anna)) == anna.pk
    assert check_in.badge_registration_id(code=f"{anna.pk}:forged") is None
    client.force_login(secretary)
    url = en("events:check_in", event.slug)
    response = client.get(url, {"code": code})
    assert [r.pk for r in response.context["registrations"]] == [anna.pk]
    bad = client.get(url, {"code": "nonsense"})
    assert bad.status_code == 200 and list(bad.context["registrations"]) == []
    assert "does not belong" in bad.content.decode()


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_badges_pdf_has_a_sheet_of_eight_with_names_organisations_and_qr_codes():
    event = event_today(title="Årsseminar")
    people = [
        RegistrationFactory(event=event, user=UserFactory(first_name=f"Deltager{n}"))
        for n in range(9)
    ]
    walk_in = Registration.objects.create(
        event=event,
        is_walk_in=True,
        walk_in_name="Dorte Dørgæst",
        walk_in_organisation="Lærkereden",
        status=Status.ATTENDED,
        price_category=Registration.PriceCategory.NON_MEMBER,
    )
    content = pdf.badges_pdf(event=event, registrations=[*people, walk_in])
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # eight to an A4 sheet
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    text = _text(content)
    assert "Deltager0" in text and "Dorte Dørgæst" in text and "Lærkereden" in text
    assert len(reader.pages[0].images) == 8


def test_certificates_only_for_courses_and_attendees(client, secretary):
    seminar = event_today()
    client.force_login(secretary)
    assert client.get(en("events:certificates", seminar.slug)).status_code == 404
    course = event_today(kind=Event.Kind.COURSE, title="Kursus i bestyrelsesarbejde")
    came = RegistrationFactory(event=course, user=UserFactory(first_name="Kom"))
    RegistrationFactory(event=course, user=UserFactory(first_name="Udeblev"))
    check_in.session_check_in(registration=came, actor=secretary)
    text = _text(client.get(en("events:certificates", course.slug)).content)
    assert "Kom" in text and "Udeblev" not in text and "Kursus i bestyrelsesarbejde" in text
