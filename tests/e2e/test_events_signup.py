"""A member signs up in the browser, gets the confirmation with its calendar file, cancels, and
the first person on the waiting list is promoted and told by mail. The secretariat checks a
participant in on a phone."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import expect

from devtools.factories.events import EventFactory, RegistrationFactory, event_today
from devtools.factories.members import AffiliationFactory, UserFactory
from devtools.factories.strategy import give_mfa
from events import services
from events.models import Registration
from tests.e2e.conftest import login, totp_code


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _attachment_text(message) -> str:
    content = message.attachments[0].content
    return content.decode() if isinstance(content, bytes) else content


def test_member_signs_up_cancels_and_the_waiting_list_moves_up(page):
    member = _verified(AffiliationFactory(user__first_name="Mette").user)
    event = EventFactory(title="ERFA-netværksmøde", capacity=1)
    page.goto(page.base_url + "/events/")
    page.get_by_role("link", name="ERFA-netværksmøde").click()
    expect(page.locator("#signup a.btn").first).to_be_visible()  # visitors: log in to sign up

    login(page, email=member.email)
    page.goto(page.base_url + event.get_absolute_url())
    page.fill("input[name=dietary_needs]", "Vegetar")
    page.locator("#signup-form [type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.price == event.member_price and registration.dietary_needs == "Vegetar"

    # The confirmation went through the outbox after the commit, with the .ics attached.
    assert [m.to for m in mail.outbox] == [[member.email]]
    confirmation = mail.outbox[0]
    assert confirmation.attachments[0].filename == f"{event.slug}.ics"
    assert "BEGIN:VALARM" in _attachment_text(confirmation)

    # Someone else signs up meanwhile and lands on the waiting list.
    waiting_user = UserFactory(first_name="Ventende")
    waiting = services.event_signup(event=event, user=waiting_user, answers={})
    assert waiting.status == Registration.Status.WAITING

    page.goto(page.base_url + "/events/mine/")
    page.locator(f"#registration-{registration.pk} a.btn-outline-danger").click()
    page.locator("main form [type=submit].btn-danger").click()
    page.wait_for_url("**/events/mine/")
    expect(page.locator(".alert-success")).to_be_visible()

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    promotion = [m for m in mail.outbox if m.to == [waiting_user.email]]
    assert len(promotion) == 2  # waiting-list placement, then the promotion with the .ics
    assert promotion[-1].attachments[0].filename == f"{event.slug}.ics"
    assert any(m.to == [member.email] for m in mail.outbox[1:])  # the cancellation


def test_check_in_on_a_phone(phone_page):
    page = phone_page
    secretary = _verified(UserFactory(is_staff=True))
    give_mfa(secretary)  # staff pages need a session that passed the second factor
    secretary.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=["view_registration", "change_registration"],
        )
    )
    event = event_today(title="Årsseminar")  # check-in is open on the event's day only
    anna = RegistrationFactory(event=event, user=UserFactory(first_name="Anna", last_name="Holm"))
    RegistrationFactory(event=event, user=UserFactory(first_name="Bo"))
    login(page, email=secretary.email)
    assert "/2fa/" in page.url  # allauth asks for the code
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    page.goto(page.base_url + f"/events/{event.slug}/check-in/")
    page.fill("#check-in-q", "anna")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator(".check-in-list li")).to_have_count(1)
    button = page.locator(f"#check-in-{anna.pk} .check-in-button")
    box = button.bounding_box()
    assert box["height"] >= 44  # a thumb-sized target
    button.tap()
    page.locator(f"#check-in-{anna.pk} .badge").wait_for()
    anna.refresh_from_db()
    assert anna.status == Registration.Status.ATTENDED


def test_event_pages_have_no_serious_accessibility_violations(page):
    from tests.e2e.conftest import axe_violations

    member = _verified(AffiliationFactory().user)
    event = EventFactory(title="Seminar om tryghed", body="<p>Program</p>")
    for path in ["/events/", "/events/?past=1", event.get_absolute_url()]:
        page.goto(page.base_url + path)
        assert axe_violations(page) == [], path
    login(page, email=member.email)
    for path in [event.get_absolute_url(), "/events/mine/"]:
        page.goto(page.base_url + path)
        assert axe_violations(page) == [], path
