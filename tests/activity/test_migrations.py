"""The data migrations move every row of the old logs into the one action log."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_steps import latest as _latest
from tests.migration_steps import migrate as _migrate
from tests.migration_steps import today_afterwards  # noqa: F401 - autouse


@pytest.mark.django_db(transaction=True)
def test_registration_log_rows_move_to_the_action_log():
    old = _migrate([("events", "0004_registration_billing_details")])
    User = old.get_model("members", "User")
    Event = old.get_model("events", "Event")
    Registration = old.get_model("events", "Registration")
    RegistrationLog = old.get_model("events", "RegistrationLog")
    staff = User.objects.create(email="sekretariat@example.dk")
    person = User.objects.create(email="deltager@example.dk")
    event = Event.objects.create(title="Årsmøde", slug="aarsmoede")
    registration = Registration.objects.create(event=event, user=person, status="confirmed")
    erased = Registration.objects.create(event=event, user=None, status="cancelled")
    when = timezone.now() - datetime.timedelta(days=3)
    RegistrationLog.objects.create(
        registration=registration, actor=person, action="signed_up", to_status="confirmed",
        created_at=when,
    )  # fmt: skip
    RegistrationLog.objects.create(
        registration=registration, actor=staff, action="moved", from_status="confirmed",
        to_status="attended", note="i døren",
    )  # fmt: skip
    RegistrationLog.objects.create(registration=erased, action="imported", to_status="cancelled")

    _migrate(_latest())
    from activity.models import Action
    from events.models import Registration as NewRegistration

    actions = list(Action.objects.order_by("pk"))
    assert len(actions) == 3
    signed_up, moved, other = actions
    assert (signed_up.verb, signed_up.actor_id, signed_up.created_at) == (
        "registration.signed_up",
        person.pk,
        when,
    )
    assert signed_up.target_type.model_class() is NewRegistration
    assert signed_up.target_id == str(registration.pk)
    assert signed_up.target_label == "deltager@example.dk – Årsmøde"
    assert (moved.verb, moved.actor_id) == ("registration.moved", staff.pk)
    assert moved.data == {
        "event": event.pk, "from_status": "confirmed", "to_status": "attended", "note": "i døren",
    }  # fmt: skip
    assert (other.verb, other.data["action"], other.actor_id) == (
        "registration.other",
        "imported",
        None,
    )
    assert other.target_label == "(erased) – Årsmøde"


@pytest.mark.django_db(transaction=True)
def test_audit_entries_and_status_history_move_to_the_action_log():
    old = _migrate([("strategy", "0006_editors_lose_ballot_rights")])
    User = old.get_model("members", "User")
    FocusArea = old.get_model("strategy", "FocusArea")
    VotingRound = old.get_model("strategy", "VotingRound")
    AuditEntry = old.get_model("strategy", "AuditEntry")
    StatusChange = old.get_model("strategy", "FocusAreaStatusChange")
    staff = User.objects.create(email="sekretariat@example.dk")
    voter = User.objects.create(email="vaelger@example.dk")
    area = FocusArea.objects.create(title="Klima", slug="klima")
    voting_round = VotingRound.objects.create(
        # Two calls of now() can return the same microsecond; the round must close after it
        # opens (round_closes_after_open).
        title="Runde 1",
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    start = timezone.now() - datetime.timedelta(days=10)
    closed = timezone.now() - datetime.timedelta(days=1)
    # The status history: proposed (no audit twin), then summit with its audit twin.
    StatusChange.objects.create(
        focus_area=area, status="proposed", changed_at=start, note="Foreslået"
    )
    StatusChange.objects.create(
        focus_area=area,
        status="summit",
        changed_by=staff,
        changed_at=start + datetime.timedelta(days=1),
    )
    twin = AuditEntry.objects.create(
        actor=staff, action="focus_area.status", focus_area=area, data={"status": "summit"}
    )
    # A status entry without a twin row stays a row of its own.
    lonely = AuditEntry.objects.create(
        actor=voter, action="focus_area.status", focus_area=area, data={"status": "ballot"}
    )
    AuditEntry.objects.create(
        actor=staff, action="round.opened", round=voting_round, data={"electorate": 2}
    )
    AuditEntry.objects.create(
        actor=voter, action="ballot.cast", round=voting_round, created_at=closed, data={}
    )
    AuditEntry.objects.create(
        actor=staff, action="round.items", round=voting_round, focus_area=area, data={"x": 1}
    )
    AuditEntry.objects.create(actor=staff, action="something.old", data={"y": 2})

    _migrate(_latest())
    from activity.models import Action
    from strategy import selectors
    from strategy.models import FocusArea as NewFocusArea

    # 2 status rows + 6 entries - 1 merged twin.
    assert Action.objects.count() == 7
    history = selectors.focus_area_status_history(area=NewFocusArea.objects.get(pk=area.pk))
    assert [(h.status, getattr(h.changed_by, "pk", None), h.note) for h in history] == [
        # The note that only repeated the status is kept in the row, not shown (issue 16).
        ("proposed", None, ""),
        ("summit", staff.pk, ""),
        ("ballot", voter.pk, ""),
    ]
    assert history[0].changed_at == start
    proposed = Action.objects.get(verb="focus_area.status", data__status="proposed")
    assert proposed.data["note"] == "Foreslået"
    summit = Action.objects.get(verb="focus_area.status", data__status="summit")
    assert summit.data["audit_entry"] == twin.pk
    assert Action.objects.get(verb="focus_area.status", data__status="ballot").actor_id == voter.pk
    assert lonely.pk not in [a.data.get("audit_entry") for a in Action.objects.all()]
    cast = Action.objects.get(verb="ballot.cast")
    assert (cast.actor_id, cast.created_at, cast.data) == (voter.pk, closed, {})
    assert cast.target_id == str(voting_round.pk) and cast.target_label == "Runde 1"
    opened = Action.objects.get(verb="round.opened")
    assert opened.data == {"electorate": 2} and opened.target_type.model == "votinground"
    items = Action.objects.get(verb="round.items")
    assert items.data == {"x": 1, "focus_area": area.pk}
    other = Action.objects.get(verb="strategy.other")
    assert other.data == {"y": 2, "action": "something.old"} and other.target_type is None
