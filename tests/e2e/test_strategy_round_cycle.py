"""A voting round's whole cycle in the browser, with its mail read from the outbox: the
secretariat opens the round in the admin ("Åbn"), the electorate is mailed and a board member
votes from the link in the mail; a day before the close the one who has not voted is
reminded; the secretariat closes early ("Luk nu", after the confirmation) and everyone is
told that the result is out, which marks the winner."""

import re
from datetime import timedelta

from django.test import Client
from playwright.sync_api import expect

from devtools.factories.strategy import FocusAreaFactory, board_member, make_round, staff_user
from outbox.models import OutboxMessage
from strategy import services
from strategy.models import Ballot, VotingRound

from .conftest import axe_violations


def _as(page, user) -> None:
    """Continue in the browser as this user (the session made as the real login would, after
    the two-factor step; the login itself is tested in test_strategy_vote.py)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def _mail(kind: str, user) -> OutboxMessage:
    return OutboxMessage.objects.get(template=f"strategy/mail/{kind}", to=user.email)


def _link(message: OutboxMessage) -> str:
    """The round's address in the mail, on this test's server."""
    return re.search(r"https?://[^/\s]+(/strategy/votes/\d+/)", message.body_text).group(1)


def _admin_action(page, *, action: str, pk: int) -> None:
    page.goto(page.base_url + "/admin/strategy/votinground/")
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()


def test_round_opens_reminds_closes_now_and_tells_the_result(page):
    staff = staff_user()
    voter, late = board_member(), board_member()
    areas = [FocusAreaFactory(title=t) for t in ("Klimarobuste boligområder", "Data i driften")]
    voting_round = make_round(staff=staff, focus_areas=areas, title="Bestyrelsens prioritering")

    # The secretariat opens the round ("Åbn"); the admin says what became public.
    _as(page, staff)
    _admin_action(page, action="open_rounds", pk=voting_round.pk)
    expect(page.locator(".messagelist")).to_contain_text("står nu som “På en stemmeseddel”")
    expect(page.locator(".messagelist")).to_contain_text("2 stemmeberettigede har fået en mail")
    opened = _mail("round_opened", voter)
    assert "Bestyrelsens prioritering" in opened.subject
    assert _mail("round_opened", late).body_text == opened.body_text

    # The board member votes from the link in the mail.
    _as(page, voter)
    page.goto(page.base_url + _link(opened))
    expect(page.locator("#quorum")).to_contain_text("1 af 2 stemmeberettigede")
    items = {i.focus_area.title: i.pk for i in voting_round.items.select_related("focus_area")}
    page.select_option(f"#rank-{items['Data i driften']}", "1")
    page.select_option(f"#rank-{items['Klimarobuste boligområder']}", "2")
    page.locator("#ballot-form button[type=submit]").click()
    expect(page.locator("#receipt")).to_be_visible()
    receipt = Ballot.objects.get().receipt

    # A day before the close (what beat's hourly task does then): only the one who has not
    # voted is reminded, once.
    voting_round.refresh_from_db()
    due = voting_round.closes_at - timedelta(hours=20)
    assert services.round_reminders_queue(now=due) == 1
    assert services.round_reminders_queue(now=due + timedelta(hours=1)) == 0
    reminder = _mail("round_reminder", late)
    assert not OutboxMessage.objects.filter(
        template="strategy/mail/round_reminder", to=voter.email
    ).exists()
    _as(page, late)
    page.goto(page.base_url + _link(reminder))
    expect(page.locator("#ballot-form")).to_be_visible()

    # The secretariat closes now: asked first, then counted.
    _as(page, staff)
    _admin_action(page, action="close_now", pk=voting_round.pk)
    expect(page.locator("#rounds-to-close")).to_contain_text("1 af 2 stemmeberettigede har stemt")
    voting_round.refresh_from_db()
    assert not voting_round.is_counted
    page.get_by_role("button", name="Ja, luk nu").click()
    expect(page.locator(".messagelist")).to_contain_text("er lukket og optalt")
    voting_round.refresh_from_db()
    assert voting_round.outcome == VotingRound.Outcome.VALID

    # Everyone hears that the result is out, and the page marks the winner.
    result_mails = OutboxMessage.objects.filter(template="strategy/mail/round_result")
    assert sorted(m.to for m in result_mails) == sorted([voter.email, late.email])
    assert receipt not in result_mails[0].body_text
    _as(page, late)
    page.goto(page.base_url + _link(_mail("round_result", late)))
    expect(page.locator("#result")).to_be_visible()
    winner = page.locator("#result-table tr.winner")
    expect(winner).to_have_count(1)
    expect(winner).to_contain_text("Data i driften")
    expect(winner).to_contain_text("Vinder")
    expect(page.locator("#method-explained")).to_contain_text("Schulze-metoden")
    expect(page.locator("#turnout")).to_contain_text("beslutningsdygtig ved 1 af 2")
    expect(page.locator("#ballots")).to_contain_text(receipt)
    assert page.locator("#ballot-form").count() == 0
    assert axe_violations(page) == []
