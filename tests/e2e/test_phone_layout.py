"""Pages with wide tables stay as wide as the phone: the table scrolls, not the page."""

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from devtools.factories.events import EventFactory
from devtools.factories.members import AffiliationFactory
from events import services
from tests.e2e.conftest import login, totp_code


def test_my_registrations_do_not_widen_the_page_on_a_phone(phone_page):
    page = phone_page
    member = AffiliationFactory().user
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    event = EventFactory(title="Seminar: Klimatilpasning i almene boligområder")
    services.event_signup(event=event, user=member, answers={})

    login(page, email=member.email)
    page.goto(page.base_url + "/events/mine/")
    expect(page.get_by_role("link", name=event.title)).to_be_visible()
    # The "Handlinger" column header is visually hidden; it used to stretch the page to 521 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_ballot_rank_shows_not_ranked_in_full_on_a_phone(phone_page):
    from devtools.factories.strategy import (
        FocusAreaFactory,
        board_member,
        make_round,
        staff_user,
    )
    from strategy import services as strategy_services

    page = phone_page
    voter = board_member()
    EmailAddress.objects.create(user=voter, email=voter.email, verified=True, primary=True)
    areas = [FocusAreaFactory(title=t) for t in ("Data i driften", "Boliger til et langt liv")]
    voting_round = make_round(
        staff=staff_user(), focus_areas=areas, title="Bestyrelsens prioritering"
    )
    strategy_services.round_open(voting_round=voting_round, actor=staff_user())

    login(page, email=voter.email)
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    page.goto(page.base_url + voting_round.get_absolute_url())
    # The select used to be capped at 7rem, so a phone showed "ikke ran…".
    room, needed = page.evaluate(
        """() => {
          const select = document.querySelector('.ballot-rank select');
          const style = getComputedStyle(select);
          const probe = document.createElement('span');
          probe.textContent = select.options[0].text;
          probe.style.font = style.font;
          probe.style.position = 'absolute';
          probe.style.whiteSpace = 'nowrap';
          document.body.append(probe);
          const needed = probe.getBoundingClientRect().width;
          probe.remove();
          const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          return [room, needed];
        }"""
    )
    assert page.locator(".ballot-rank select").first.input_value() == ""
    assert room >= needed
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
