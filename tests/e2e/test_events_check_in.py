"""The secretariat at the door of a two-day course, in the browser: before the course nothing
can be checked in; on its first day a participant is checked in to today's session, a scanned
badge finds its owner, and a walk-in is added and checked in."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from devtools.factories.events import (
    EventFactory,
    RegistrationFactory,
    local_at,
    sessions_from_today,
)
from devtools.factories.members import UserFactory
from devtools.factories.strategy import give_mfa
from events import check_in
from events.models import Event, Registration, SessionAttendance
from tests.e2e.conftest import login, totp_code

TIMEOUT = 20_000


def _secretary_logged_in(page):
    secretary = UserFactory(is_staff=True)
    EmailAddress.objects.create(user=secretary, email=secretary.email, verified=True, primary=True)
    give_mfa(secretary)
    secretary.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=["view_registration", "change_registration"],
        )
    )
    login(page, email=secretary.email)
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    return secretary


def test_check_in_on_the_day_of_a_two_day_course(page):
    _secretary_logged_in(page)
    later = EventFactory(title="Kursus i januar", kind=Event.Kind.COURSE)  # in ten days
    early = RegistrationFactory(event=later, user=UserFactory(first_name="Tidlig"))
    page.goto(page.base_url + f"/events/{later.slug}/check-in/")
    expect(page.locator("#check-in-closed")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".check-in-button")).to_have_count(0)
    early.refresh_from_db()
    assert early.status == Registration.Status.CONFIRMED

    course = EventFactory(
        title="Kursus i beboerdemokrati",
        kind=Event.Kind.COURSE,
        sessions=sessions_from_today(2),
        signup_closes_at=local_at(-1, 12),
        cancellation_deadline=local_at(-3, 12),
    )
    anna = RegistrationFactory(event=course, user=UserFactory(first_name="Anna", last_name="Holm"))
    bo = RegistrationFactory(event=course, user=UserFactory(first_name="Bo", last_name="Lund"))
    today = course.sessions.order_by("starts_at").first()
    page.goto(page.base_url + f"/events/{course.slug}/check-in/")
    expect(page.locator("#check-in-session")).to_be_visible(timeout=TIMEOUT)
    page.locator(f"#check-in-{anna.pk} .check-in-button").click()
    expect(page.locator(f"#check-in-{anna.pk} .badge")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#check-in-count")).to_contain_text("1", timeout=TIMEOUT)
    anna.refresh_from_db()
    assert anna.status == Registration.Status.ATTENDED
    assert list(
        SessionAttendance.objects.filter(registration=anna).values_list("session", flat=True)
    ) == [today.pk]

    # The QR code on Bo's badge opens the check-in page on Bo alone.
    code = check_in.badge_code(registration=bo)
    page.goto(page.base_url + f"/events/{course.slug}/check-in/?code={code}")
    expect(page.locator("#check-in-scanned")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".check-in-list li")).to_have_count(1)
    page.locator(f"#check-in-{bo.pk} .check-in-button").click()
    expect(page.locator(f"#check-in-{bo.pk} .badge")).to_be_visible(timeout=TIMEOUT)

    # Someone at the door who did not sign up.
    page.fill("#id_walk_in-name", "Dorte Dørgæst")
    page.fill("#id_walk_in-organisation", "Boligforeningen Lærkereden")
    page.locator("#walk-in-form [type=submit]").click()
    expect(page.get_by_text("Dorte Dørgæst").first).to_be_visible(timeout=TIMEOUT)
    walk_in = Registration.objects.get(event=course, is_walk_in=True)
    assert walk_in.status == Registration.Status.ATTENDED
    assert walk_in.walk_in_organisation == "Boligforeningen Lærkereden"
