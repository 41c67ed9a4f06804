"""A round's cycle (issue 16): "Close now", a closing time that moves until the first ballot,
the electorate's mail at the opening, a day before the close and at the result (each person
once, through the outbox), and only focus areas the board may prioritise on a ballot."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from activity.selectors import actions_for
from devtools.factories.strategy import FocusAreaFactory, UserFactory, make_round
from outbox.models import OutboxMessage
from strategy import services, tasks
from strategy.models import FocusArea, VotingRound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _opened(staff, areas, **fields):
    return services.round_open(
        voting_round=make_round(staff=staff, focus_areas=areas, **fields), actor=staff
    )


def _ranks(voting_round, title):
    item = voting_round.items.get(focus_area__title=title)
    return {item.pk: 1}


def _mails(kind, voting_round=None):
    rows = OutboxMessage.objects.filter(template=f"strategy/mail/{kind}")
    if voting_round is not None:
        rows = rows.filter(dedup_key__startswith=f"strategy.{kind}:{voting_round.pk}:")
    return rows


# --- Close now ------------------------------------------------------------------------------


def test_close_now_ends_voting_before_the_set_time_and_counts(staff, areas, board):
    members, _substitute = board
    voting_round = _opened(staff, areas)
    planned = voting_round.closes_at
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    closed = services.round_close_now(voting_round=voting_round, actor=staff)
    assert closed.is_counted and closed.outcome == VotingRound.Outcome.VALID
    assert closed.closes_at < planned and closed.closes_at == closed.closed_at
    early = actions_for(target=voting_round, verbs=["round.closed_early"]).get()
    assert early.actor == staff and early.data["planned"] == planned.isoformat()
    with pytest.raises(ValidationError):
        services.ballot_cast(
            voting_round=voting_round, user=members[1], ranks=_ranks(voting_round, "Data")
        )
    with pytest.raises(ValidationError, match="already been counted"):
        services.round_close_now(voting_round=voting_round, actor=staff)


def test_close_now_refuses_a_draft_a_round_not_begun_and_anyone_but_the_secretariat(
    staff, areas, board
):
    members, _substitute = board
    draft = make_round(staff=staff, focus_areas=areas)
    with pytest.raises(ValidationError, match="not been opened"):
        services.round_close_now(voting_round=draft, actor=staff)
    now = timezone.now()
    later = _opened(
        staff,
        areas,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError, match="not begun"):
        services.round_close_now(voting_round=later, actor=staff)
    running = _opened(staff, areas)
    with pytest.raises(PermissionDenied):
        services.round_close_now(voting_round=running, actor=members[0])
    running.refresh_from_db()
    assert not running.is_counted


# --- The closing time moves until the first ballot ------------------------------------------


def test_an_open_rounds_closing_time_moves_until_the_first_ballot(staff, areas, board):
    members, _substitute = board
    voting_round = _opened(staff, areas)
    later = voting_round.closes_at + datetime.timedelta(days=2)
    moved = services.round_update(voting_round=voting_round, actor=staff, closes_at=later)
    assert moved.closes_at == later
    with pytest.raises(ValidationError, match="Close now"):
        services.round_update(
            voting_round=voting_round,
            actor=staff,
            closes_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    with pytest.raises(ValidationError, match="Ballots have been cast"):
        services.round_update(
            voting_round=voting_round, actor=staff, closes_at=later + datetime.timedelta(days=1)
        )


def test_a_counted_round_keeps_its_rules(staff, areas, board):
    voting_round = _opened(staff, areas, quorum=5)
    counted = services.round_close_now(voting_round=voting_round, actor=staff)
    assert counted.outcome == VotingRound.Outcome.NOT_VALID  # no ballots: no lock by ballots
    with pytest.raises(ValidationError, match="counted"):
        services.round_update(
            voting_round=counted,
            actor=staff,
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )


# --- The electorate's mail ------------------------------------------------------------------


def test_opening_mails_each_voter_once_and_the_stand_in_not_the_member(staff, areas, board):
    members, substitute = board
    voting_round = make_round(staff=staff, focus_areas=areas)
    services.round_add_stand_in(
        voting_round=voting_round, actor=staff, substitute=substitute, stands_in_for=members[0]
    )
    services.round_open(voting_round=voting_round, actor=staff)
    mails = list(_mails("round_opened", voting_round))
    assert sorted(m.to for m in mails) == sorted(
        [substitute.email, members[1].email, members[2].email]
    )
    assert all(voting_round.get_absolute_url() in m.body_text for m in mails)
    assert all(voting_round.title in m.subject for m in mails)


def test_reminders_go_a_day_before_the_close_to_those_who_have_not_voted_once(staff, areas, board):
    members, _substitute = board
    now = timezone.now()
    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    # More than a day before the close: nobody yet.
    assert services.round_reminders_queue(now=now) == 0
    # Within the last day: those who have not voted, once however often beat runs.
    due = voting_round.closes_at - datetime.timedelta(hours=20)
    assert services.round_reminders_queue(now=due) == 2
    assert services.round_reminders_queue(now=due + datetime.timedelta(hours=1)) == 0
    reminded = sorted(m.to for m in _mails("round_reminder", voting_round))
    assert reminded == sorted([members[1].email, members[2].email])
    voting_round.refresh_from_db()
    assert voting_round.reminded_at == due
    assert actions_for(target=voting_round, verbs=["round.reminded"]).get().data == {"mails": 2}


def test_no_reminder_for_a_round_opened_less_than_a_day_before_its_close(staff, areas, board):
    now = timezone.now()
    voting_round = _opened(staff, areas, closes_at=now + datetime.timedelta(hours=10))
    assert services.round_reminders_queue(now=now + datetime.timedelta(hours=1)) == 0
    assert not _mails("round_reminder").exists()
    voting_round.refresh_from_db()
    assert voting_round.reminded_at is None


def test_the_reminder_task_is_on_beats_schedule_and_queues(staff, areas, board, monkeypatch):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "strategy.tasks.round_reminders_send_task" in schedule
    voting_round = _opened(staff, areas)
    VotingRound.objects.filter(pk=voting_round.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=6),
        closes_at=timezone.now() + datetime.timedelta(hours=3),
    )
    assert tasks.round_reminders_send_task() == 3


def test_the_result_mail_goes_to_every_voter_once_and_tells_nothing_of_a_ballot(
    staff, areas, board
):
    members, _substitute = board
    voting_round = _opened(staff, areas)
    services.ballot_cast(
        voting_round=voting_round, user=members[0], ranks=_ranks(voting_round, "Klima")
    )
    ballot = voting_round.ballots.get()
    services.round_close_now(voting_round=voting_round, actor=staff)
    services.round_close(voting_round=voting_round)  # idempotent: no second mail
    mails = list(_mails("round_result", voting_round))
    assert sorted(m.to for m in mails) == sorted(u.email for u in members)
    # The same text for whoever voted and whoever did not, without a receipt or a choice.
    assert len({(m.subject, m.body_text) for m in mails}) == 1
    assert ballot.receipt not in mails[0].body_text and "Klima" not in mails[0].body_text


def test_the_electorates_mail_is_danish_by_default(staff, areas, board):
    with translation.override("da"):
        voting_round = _opened(staff, areas)
    message = _mails("round_opened", voting_round).first()
    assert message.subject.startswith("Afstemningen er åben")
    assert "Stem her" in message.body_text


# --- What may go on a ballot ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"moderation": FocusArea.Moderation.PENDING},
        {"moderation": FocusArea.Moderation.REJECTED},
        {"status": FocusArea.Status.PRIORITISED},
        {"status": FocusArea.Status.NOT_CHOSEN},
    ],
)
def test_only_what_the_board_may_prioritise_goes_on_a_ballot(staff, areas, fields):
    other = FocusAreaFactory(title="Uden for", **fields)
    with pytest.raises(ValidationError, match="Uden for"):
        make_round(staff=staff, focus_areas=[areas[0], other])
    voting_round = make_round(staff=staff, focus_areas=areas[:2])
    with pytest.raises(ValidationError, match="Uden for"):
        services.round_set_items(voting_round=voting_round, actor=staff, focus_areas=[other])
    assert voting_round.items.count() == 2


def test_opening_refuses_a_focus_area_that_left_the_pipeline_and_changes_no_status(
    staff, areas, board
):
    voting_round = make_round(staff=staff, focus_areas=areas)
    FocusArea.objects.filter(pk=areas[2].pk).update(moderation=FocusArea.Moderation.REJECTED)
    with pytest.raises(ValidationError, match=areas[2].title):
        services.round_open(voting_round=voting_round, actor=staff)
    assert set(FocusArea.objects.values_list("status", flat=True)) == {"consideration"}
    voting_round.refresh_from_db()
    assert voting_round.opened_at is None and not _mails("round_opened").exists()


def test_opening_puts_each_item_on_the_ballot_with_a_dated_history_row(staff, areas, board):
    voting_round = _opened(staff, areas)
    for area in areas:
        area.refresh_from_db()
        assert area.status == FocusArea.Status.BALLOT
        row = actions_for(target=area, verbs=["focus_area.status"]).first()
        assert row.data["status"] == "ballot" and row.data["note"] == voting_round.title


# --- The secretariat hears of a new proposal ------------------------------------------------


def test_a_proposal_awaiting_moderation_mails_the_secretariat_once(staff):
    from devtools.factories.strategy import AffiliationFactory

    plain_staff = UserFactory(is_staff=True)  # staff without the right: not mailed
    member = AffiliationFactory().user
    area = services.focus_area_propose(user=member, title="Grønne tage", problem="Tagene")
    mails = list(_mails("proposal"))
    assert [m.to for m in mails] == [staff.email]
    assert plain_staff.email not in {m.to for m in mails}
    assert "Grønne tage" in mails[0].subject
    assert f"/admin/strategy/focusarea/{area.pk}/change/" in mails[0].body_text
    # The secretariat's own proposal needs no moderation and no mail.
    services.focus_area_propose(user=staff, title="Data", problem="Data")
    assert _mails("proposal").count() == 1
