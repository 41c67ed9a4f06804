"""Pages with wide tables stay as wide as the phone: the table scrolls, not the page."""

from allauth.account.models import EmailAddress

from events import services
from tests.e2e.conftest import login
from tests.events.factories import EventFactory
from tests.members.factories import AffiliationFactory


def test_my_registrations_do_not_widen_the_page_on_a_phone(phone_page):
    page = phone_page
    member = AffiliationFactory().user
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    event = EventFactory(title="Seminar: Klimatilpasning i almene boligområder")
    services.event_signup(event=event, user=member, answers={})

    login(page, email=member.email)
    page.goto(page.base_url + "/events/mine/")
    assert page.get_by_role("link", name=event.title).is_visible()
    # The "Handlinger" column header is visually hidden; it used to stretch the page to 521 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
