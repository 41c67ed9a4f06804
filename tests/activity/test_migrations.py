"""The data migrations move every row of the old logs into the one action log."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


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
