"""A board member logs in through the two-factor step, ranks a ballot without JavaScript help,
changes it, and after the close sees the result with their receipt."""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from devtools.factories.strategy import (
    FocusAreaFactory,
    board_member,
    make_round,
    staff_user,
)
from strategy import services
from strategy.models import Ballot, VotingRound

from .conftest import axe_violations, login, totp_code


def test_board_member_ranks_changes_and_sees_result(page):
    staff = staff_user()
    voter = board_member()  # with a TOTP authenticator
    board_member()
    EmailAddress.objects.create(user=voter, email=voter.email, verified=True, primary=True)
    areas = [
        FocusAreaFactory(title=t)
        for t in ("Klimarobuste boligområder", "Data i driften", "Boliger til et langt liv")
    ]
    voting_round = make_round(staff=staff, focus_areas=areas, title="Bestyrelsens prioritering")
    services.round_open(voting_round=voting_round, actor=staff)
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}

    login(page, email=voter.email)
    assert "/2fa/" in page.url  # allauth asks for the code
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/" not in url)

    page.goto(page.base_url + "/strategy/votes/")
    page.get_by_role("link", name="Bestyrelsens prioritering").click()
    page.select_option(f"#rank-{items['Data i driften']}", "1")
    page.select_option(f"#rank-{items['Klimarobuste boligområder']}", "2")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator("#ballot-form button[type=submit]").click()
    expect(page.locator("#receipt")).to_be_visible()
    ballot = Ballot.objects.get()
    assert ballot.receipt in page.locator("#receipt").inner_text()
    assert page.locator("#result").count() == 0
    assert axe_violations(page) == []

    # Change the ballot: the form shows the current ranks; reorder and drop one.
    assert page.locator(f"#rank-{items['Data i driften']}").input_value() == "1"
    page.select_option(f"#rank-{items['Klimarobuste boligområder']}", "1")
    page.select_option(f"#rank-{items['Data i driften']}", "")
    page.select_option(f"#rank-{items['Boliger til et langt liv']}", "2")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator("#ballot-form button[type=submit]").click()
    expect(page.locator("#receipt")).to_be_visible()
    ranks = dict(Ballot.objects.get().choices.values_list("item_id", "rank"))
    assert ranks == {items["Klimarobuste boligområder"]: 1, items["Boliger til et langt liv"]: 2}
    assert Ballot.objects.get().receipt == ballot.receipt

    # The close: move the closing time into the past.
    VotingRound.objects.filter(pk=voting_round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    page.reload()
    expect(page.locator("#result")).to_be_visible()
    assert page.locator("#ballot-form").count() == 0
    assert "Klimarobuste boligområder" in page.locator("#result-table tbody tr").first.inner_text()
    expect(page.locator("#pairwise")).to_be_visible()
    expect(page.locator("#tie-break-rule")).to_be_visible()
    assert ballot.receipt in page.locator("#ballots").inner_text()
    assert page.locator("#result svg").count() == 1
    assert axe_violations(page) == []
