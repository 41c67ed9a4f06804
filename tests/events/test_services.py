"""Every state change of a registration and every bad input of issue 4, against PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.selectors import actions_for
from devtools.factories.events import EventFactory, RegistrationFactory, event_today, past_event
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events import services
from events.models import Event, Registration
from outbox.models import OutboxMessage
from outbox.services import message_render

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = Registration.Status


def mails(kind, registration):
    return OutboxMessage.objects.filter(dedup_key=f"events:registration:{registration.pk}:{kind}")


def rendered(message):
    """The row as the worker renders it after commit (the service queues only the intent)."""
    assert message_render(message=message)
    return message


def unchanged(event):
    """Snapshot of what a refused input must leave alone."""
    return (
        Event.objects.get(pk=event.pk).capacity,
        list(Registration.objects.filter(event=event).values_list("pk", "status")),
        OutboxMessage.objects.count(),
    )


# --- sign-up -----------------------------------------------------------------------------------


def test_member_signs_up_at_member_price_and_gets_a_confirmation_with_calendar_file(member):
    event = EventFactory()
    registration = services.event_signup(event=event, user=member, answers={})
    assert registration.status == Status.CONFIRMED
    assert registration.price == Decimal("500.00")
    assert registration.price_category == Registration.PriceCategory.MEMBER
    assert registration.organisation == member.affiliations.get().organisation
    message = mails("confirmation", registration).get()
    assert message.to == member.email
    assert message.render_with and not message.attachments.exists()  # rendered after commit
    rendered(message)
    assert [a.filename for a in message.attachments.all()] == [f"{event.slug}.ics"]
    assert b"BEGIN:VALARM" in bytes(message.attachments.get().content)
    log = actions_for(target=registration).get()
    assert (log.actor, log.verb, log.data["to_status"]) == (
        member,
        "registration.signed_up",
        Status.CONFIRMED,
    )


def test_non_member_pays_the_non_member_price(non_member):
    registration = services.event_signup(event=EventFactory(), user=non_member, answers={})
    assert registration.price == Decimal("900.00")
    assert registration.price_category == Registration.PriceCategory.NON_MEMBER
    assert registration.organisation is None


def test_an_affiliation_to_a_lapsed_member_is_non_member_price():
    lapsed = OrganisationFactory(member_until=timezone.localdate() - datetime.timedelta(days=1))
    user = AffiliationFactory(organisation=lapsed).user
    registration = services.event_signup(event=EventFactory(), user=user, answers={})
    assert registration.price_category == Registration.PriceCategory.NON_MEMBER
    assert registration.organisation == lapsed  # still who they came for


def test_a_forged_price_in_the_answers_is_ignored(non_member):
    registration = services.event_signup(
        event=EventFactory(),
        user=non_member,
        answers={"price": "0", "price_category": "member", "status": "attended"},
    )
    assert registration.price == Decimal("900.00")
    assert registration.status == Status.CONFIRMED


def test_free_event_costs_nothing(member):
    event = EventFactory(member_price=0, non_member_price=0)
    assert services.event_signup(event=event, user=member, answers={}).price == 0


def test_the_answers_are_kept(member):
    event = EventFactory(requires_approval=True)
    registration = services.event_signup(
        event=event,
        user=member,
        answers={"dietary_needs": "Vegetar", "comment": "Kommer med tog", "motivation": "Fordi"},
    )
    assert (registration.dietary_needs, registration.comment, registration.motivation) == (
        "Vegetar",
        "Kommer med tog",
        "Fordi",
    )


def test_organisation_can_be_chosen_among_own_affiliations_only(member):
    second = AffiliationFactory(user=member).organisation
    event = EventFactory()
    registration = services.event_signup(
        event=event, user=member, answers={"organisation": second.pk}
    )
    assert registration.organisation == second

    stranger = OrganisationFactory()
    other = EventFactory()
    before = unchanged(other)
    with pytest.raises(ValidationError, match="organisations you are affiliated with"):
        services.event_signup(event=other, user=member, answers={"organisation": stranger.pk})
    assert unchanged(other) == before


def test_full_event_puts_the_next_on_the_waiting_list_in_arrival_order():
    event = EventFactory(capacity=2)
    people = UserFactory.create_batch(5)
    registrations = [services.event_signup(event=event, user=p, answers={}) for p in people]
    assert [r.status for r in registrations] == [Status.CONFIRMED] * 2 + [Status.WAITING] * 3
    assert [r.waiting_position for r in registrations[2:]] == [1, 2, 3]
    assert mails("waiting", registrations[2]).exists()
    assert not mails("confirmation", registrations[2]).exists()


def test_zero_capacity_means_everyone_waits(member):
    event = EventFactory(capacity=0)
    assert services.event_signup(event=event, user=member, answers={}).status == Status.WAITING


def test_approval_event_makes_an_application(member):
    event = EventFactory(requires_approval=True)
    registration = services.event_signup(event=event, user=member, answers={})
    assert registration.status == Status.PENDING
    assert mails("pending", registration).exists()


@pytest.mark.parametrize(
    ("make_event", "message"),
    [
        (lambda: EventFactory(is_published=False), "not open for sign-up"),
        (lambda: past_event(), "already started or taken place"),
        (
            lambda: EventFactory(signup_opens_at=timezone.now() + datetime.timedelta(days=1)),
            "Sign-up opens",
        ),
        (
            lambda: EventFactory(signup_closes_at=timezone.now() - datetime.timedelta(hours=1)),
            "Sign-up closed",
        ),
        (
            lambda: EventFactory(
                sessions=[
                    (
                        timezone.now() - datetime.timedelta(hours=1),
                        timezone.now() + datetime.timedelta(hours=2),
                    )
                ],
                signup_closes_at=None,
            ),
            "already started",
        ),
        (lambda: EventFactory(sessions=[]), "already started or taken place"),
    ],
    ids=["draft", "past", "before-opening", "after-closing", "running-now", "no-dates"],
)
def test_sign_up_is_refused_with_a_clear_message_and_nothing_changes(member, make_event, message):
    event = make_event()
    before = unchanged(event)
    with pytest.raises(ValidationError, match=message):
        services.event_signup(event=event, user=member, answers={})
    assert unchanged(event) == before


@pytest.mark.parametrize("first_status", [Status.CONFIRMED, Status.WAITING, Status.PENDING])
def test_signing_up_twice_is_refused(member, first_status):
    event = EventFactory()
    RegistrationFactory(event=event, user=member, status=first_status, waiting_position=1)
    before = unchanged(event)
    with pytest.raises(ValidationError, match="already signed up"):
        services.event_signup(event=event, user=member, answers={})
    assert unchanged(event) == before


@pytest.mark.parametrize("first_status", [Status.CANCELLED, Status.REJECTED])
def test_after_cancelling_or_rejection_one_may_sign_up_again(member, first_status):
    event = EventFactory()
    RegistrationFactory(event=event, user=member, status=first_status)
    assert services.event_signup(event=event, user=member, answers={}).is_active


def test_the_database_refuses_two_active_registrations_too(member):
    event = EventFactory()
    RegistrationFactory(event=event, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, user=member, status=Status.WAITING, waiting_position=1)


def test_anonymous_cannot_sign_up():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError, match="Log in"):
        services.event_signup(event=EventFactory(), user=AnonymousUser(), answers={})


def test_stale_event_instance_cannot_overbook():
    """The seat count is taken from the locked row, not from the caller's copy."""
    event = EventFactory(capacity=1)
    stale = Event.objects.get(pk=event.pk)
    services.event_signup(event=event, user=UserFactory(), answers={})
    assert services.event_signup(event=stale, user=UserFactory(), answers={}).status == (
        Status.WAITING
    )


# --- cancel and the waiting list ---------------------------------------------------------------


def test_cancel_frees_the_seat_for_the_first_on_the_waiting_list_who_is_told(member):
    event = EventFactory(capacity=1)
    mine = services.event_signup(event=event, user=member, answers={})
    first, second = (
        services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(2)
    )
    cancelled = services.registration_cancel(registration=mine, actor=member)
    assert cancelled.status == Status.CANCELLED and cancelled.cancelled_at is not None
    assert cancelled.liability == Registration.Liability.NONE
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CONFIRMED and second.status == Status.WAITING
    assert mails("promotion", first).exists() and mails("cancellation", mine).exists()
    assert [log.verb for log in actions_for(target=first)] == [
        "registration.promoted",
        "registration.signed_up",
    ]


def test_cancelling_a_waiting_place_promotes_nobody():
    event = EventFactory(capacity=1)
    services.event_signup(event=event, user=UserFactory(), answers={})
    waiting = services.event_signup(event=event, user=UserFactory(), answers={})
    later = services.event_signup(event=event, user=UserFactory(), answers={})
    services.registration_cancel(registration=waiting, actor=waiting.user)
    later.refresh_from_db()
    assert later.status == Status.WAITING


def _late(event):
    Event.objects.filter(pk=event.pk).update(
        cancellation_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    event.refresh_from_db()


def test_late_cancellation_of_a_paid_seat_owes_the_full_price(member):
    event = EventFactory(capacity=1)
    registration = services.event_signup(event=event, user=member, answers={})
    _late(event)
    cancelled = services.registration_cancel(registration=registration, actor=member)
    assert cancelled.liability == Registration.Liability.FULL_PRICE
    assert cancelled.liability_waived_at is None
    assert "fulde pris (500,00 kr.)" in rendered(mails("cancellation", cancelled).get()).body_text


def test_late_cancellation_is_waived_when_the_waiting_list_takes_the_seat(member):
    event = EventFactory(capacity=1)
    registration = services.event_signup(event=event, user=member, answers={})
    waiting = services.event_signup(event=event, user=UserFactory(), answers={})
    _late(event)
    cancelled = services.registration_cancel(registration=registration, actor=member)
    assert cancelled.liability == Registration.Liability.WAIVED
    assert cancelled.liability_waived_at is not None
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert "registration.liability_waived" in actions_for(target=cancelled).values_list(
        "verb", flat=True
    )


def test_late_cancellation_of_a_free_seat_or_a_waiting_place_owes_nothing(member):
    free = EventFactory(capacity=1, member_price=0, non_member_price=0)
    seat = services.event_signup(event=free, user=member, answers={})
    _late(free)
    assert services.registration_cancel(registration=seat, actor=member).liability == ""

    paid = EventFactory(capacity=0)
    waiting = services.event_signup(event=paid, user=member, answers={})
    _late(paid)
    assert services.registration_cancel(registration=waiting, actor=member).liability == ""


def test_cancelling_someone_elses_registration_is_forbidden_and_changes_nothing(member):
    event = EventFactory()
    registration = services.event_signup(event=event, user=member, answers={})
    before = unchanged(event)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, actor=UserFactory())
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, actor=None)
    assert unchanged(event) == before


def test_cancelling_twice_is_refused(member):
    registration = services.event_signup(event=EventFactory(), user=member, answers={})
    services.registration_cancel(registration=registration, actor=member)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.registration_cancel(registration=registration, actor=member)


def test_participant_cannot_cancel_after_the_start_but_the_secretariat_can(member, secretary):
    event = past_event()
    registration = RegistrationFactory(event=event, user=member)
    with pytest.raises(ValidationError, match="has started"):
        services.registration_cancel(registration=registration, actor=member)
    assert services.registration_cancel(registration=registration, actor=secretary).status == (
        Status.CANCELLED
    )


def test_attended_cannot_be_cancelled(secretary):
    registration = RegistrationFactory(event=past_event(), status=Status.ATTENDED)
    with pytest.raises(ValidationError, match="taken place"):
        services.registration_cancel(registration=registration, actor=secretary)


def test_promote_next_does_nothing_without_a_free_seat_or_anyone_waiting():
    event = EventFactory(capacity=1)
    services.event_signup(event=event, user=UserFactory(), answers={})
    waiting = services.event_signup(event=event, user=UserFactory(), answers={})
    assert services.registration_promote_next(event=event) is None
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert services.registration_promote_next(event=EventFactory()) is None


def test_waiting_list_goes_by_position_not_by_row_id():
    event = EventFactory(capacity=0)
    later = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=7)
    earlier = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=3)
    Event.objects.filter(pk=event.pk).update(capacity=1)
    assert services.registration_promote_next(event=event) == earlier
    later.refresh_from_db()
    assert later.status == Status.WAITING


# --- the secretariat ---------------------------------------------------------------------------


def test_approve_confirms_while_seats_are_free_else_waiting(secretary):
    event = EventFactory(capacity=1, requires_approval=True)
    first, second = (
        services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(2)
    )
    assert services.registration_approve(registration=first, actor=secretary).status == (
        Status.CONFIRMED
    )
    approved = services.registration_approve(registration=second, actor=secretary)
    assert approved.status == Status.WAITING and approved.waiting_position == 1
    assert mails("confirmation", first).exists() and mails("waiting", second).exists()
    log = actions_for(target=first).first()
    assert (log.actor, log.verb, log.data["from_status"], log.data["to_status"]) == (
        secretary,
        "registration.approved",
        Status.PENDING,
        Status.CONFIRMED,
    )


def test_approving_what_is_not_an_application_is_refused(secretary):
    registration = RegistrationFactory()
    with pytest.raises(ValidationError, match="awaiting approval"):
        services.registration_approve(registration=registration, actor=secretary)


def test_reject_an_application(secretary):
    registration = services.event_signup(
        event=EventFactory(requires_approval=True), user=UserFactory(), answers={}
    )
    rejected = services.registration_reject(registration=registration, actor=secretary)
    assert rejected.status == Status.REJECTED
    assert mails("rejection", registration).exists()
    with pytest.raises(ValidationError):
        services.registration_reject(registration=RegistrationFactory(), actor=secretary)


def test_only_the_secretariat_may_approve_reject_move_check_in_and_add(member):
    registration = RegistrationFactory(status=Status.PENDING)
    for call in (
        lambda: services.registration_approve(registration=registration, actor=member),
        lambda: services.registration_reject(registration=registration, actor=member),
        lambda: services.registration_check_in(registration=registration, actor=member),
        lambda: services.registration_move(
            registration=registration, status=Status.CONFIRMED, actor=member
        ),
        lambda: services.registration_add_by_staff(
            event=registration.event, user=UserFactory(), actor=member
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_check_in_marks_attended_once(secretary):
    registration = RegistrationFactory(event=event_today())
    checked = services.registration_check_in(registration=registration, actor=secretary)
    assert checked.status == Status.ATTENDED and checked.checked_in_at is not None
    with pytest.raises(ValidationError, match="already checked in"):
        services.registration_check_in(registration=registration, actor=secretary)


@pytest.mark.parametrize("status", [Status.WAITING, Status.PENDING, Status.CANCELLED])
def test_only_confirmed_people_can_be_checked_in(secretary, status):
    registration = RegistrationFactory(event=event_today(), status=status, waiting_position=1)
    with pytest.raises(ValidationError, match="Only confirmed"):
        services.registration_check_in(registration=registration, actor=secretary)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.CONFIRMED, Status.ATTENDED),
        (Status.CONFIRMED, Status.NO_SHOW),
        (Status.ATTENDED, Status.NO_SHOW),
        (Status.ATTENDED, Status.CONFIRMED),
        (Status.NO_SHOW, Status.ATTENDED),
        (Status.NO_SHOW, Status.CONFIRMED),
        (Status.WAITING, Status.CONFIRMED),
        (Status.WAITING, Status.REJECTED),
        (Status.WAITING, Status.CANCELLED),
        (Status.PENDING, Status.CONFIRMED),
        (Status.PENDING, Status.WAITING),
        (Status.PENDING, Status.REJECTED),
        (Status.PENDING, Status.CANCELLED),
        (Status.CONFIRMED, Status.CANCELLED),
    ],
)
def test_every_allowed_move(secretary, start, target):
    event = event_today(capacity=5)
    registration = RegistrationFactory(event=event, status=start, waiting_position=1)
    moved = services.registration_move(registration=registration, status=target, actor=secretary)
    moved.refresh_from_db()
    assert moved.status == target
    log = actions_for(target=registration).first()
    assert log.actor == secretary and log.data["to_status"] == target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.CANCELLED, Status.CONFIRMED),
        (Status.REJECTED, Status.CONFIRMED),
        (Status.CONFIRMED, Status.PENDING),
        (Status.CONFIRMED, Status.WAITING),
        (Status.ATTENDED, Status.CANCELLED),
        (Status.CONFIRMED, "nonsense"),
    ],
)
def test_moves_that_make_no_sense_are_refused(secretary, start, target):
    registration = RegistrationFactory(status=start)
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.registration_move(registration=registration, status=target, actor=secretary)
    registration.refresh_from_db()
    assert registration.status == start


def test_moving_from_the_waiting_list_into_a_full_event_is_refused(secretary):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=1)
    with pytest.raises(ValidationError, match="full"):
        services.registration_move(registration=waiting, status=Status.CONFIRMED, actor=secretary)
    pending = RegistrationFactory(event=event, status=Status.PENDING)
    with pytest.raises(ValidationError, match="full"):
        services.registration_move(registration=pending, status=Status.CONFIRMED, actor=secretary)


def test_secretariat_adds_a_participant_by_hand_outside_the_window(secretary, member):
    event = past_event()
    added = services.registration_add_by_staff(
        event=event, user=member, actor=secretary, answers={"comment": "Tilmeldt pr. telefon"}
    )
    assert added.status == Status.CONFIRMED and added.price_category == "member"
    assert actions_for(target=added).get().actor == secretary
    with pytest.raises(ValidationError, match="already signed up"):
        services.registration_add_by_staff(event=event, user=member, actor=secretary)


def test_adding_by_hand_never_overbooks(secretary):
    event = EventFactory(capacity=1, requires_approval=True)
    first = services.registration_add_by_staff(event=event, user=UserFactory(), actor=secretary)
    second = services.registration_add_by_staff(event=event, user=UserFactory(), actor=secretary)
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITING)


# --- capacity ----------------------------------------------------------------------------------


def test_capacity_below_confirmed_seats_is_refused_and_changes_nothing(secretary):
    event = EventFactory(capacity=3)
    for _ in range(3):
        services.event_signup(event=event, user=UserFactory(), answers={})
    before = unchanged(event)
    with pytest.raises(ValidationError, match="lower than the 3 seats"):
        services.event_capacity_change(event=event, capacity=2, actor=secretary)
    assert unchanged(event) == before
    assert services.event_capacity_problem(event=event, capacity=2)
    assert services.event_capacity_problem(event=event, capacity=3) is None


def test_raising_capacity_promotes_the_waiting_list_in_order(secretary):
    event = EventFactory(capacity=1)
    signed = [services.event_signup(event=event, user=UserFactory(), answers={}) for _ in range(4)]
    services.event_capacity_change(event=event, capacity=3, actor=secretary)
    statuses = [Registration.objects.get(pk=r.pk).status for r in signed]
    assert statuses == [Status.CONFIRMED] * 3 + [Status.WAITING]


def test_capacity_cannot_be_negative():
    with pytest.raises(ValidationError):
        services.event_capacity_change(event=EventFactory(), capacity=-1)


# --- reminders and personal data --------------------------------------------------------------


def test_reminders_are_queued_once_for_confirmed_participants_of_soon_events():
    soon = EventFactory(
        sessions=[
            (
                timezone.now() + datetime.timedelta(days=2),
                timezone.now() + datetime.timedelta(days=2, hours=3),
            )
        ]
    )
    confirmed = RegistrationFactory(event=soon)
    RegistrationFactory(event=soon, status=Status.WAITING, waiting_position=1)
    RegistrationFactory(event=soon, status=Status.CANCELLED)
    RegistrationFactory(event=EventFactory())  # in ten days: not yet
    assert services.event_reminders_queue(days_before=3) == 1
    assert services.event_reminders_queue(days_before=3) == 0
    assert mails("reminder", confirmed).count() == 1
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None


def test_erasing_a_person_keeps_anonymous_statistics(member, secretary):
    registration = services.event_signup(
        event=EventFactory(), user=member, answers={"dietary_needs": "Ingen nødder"}
    )
    organisation = registration.organisation
    services.registration_answers_update(
        registration=registration, actor=secretary, dietary_needs="Glutenfri", comment=""
    )
    name = str(member)
    assert services.registrations_erase_user(user=member) == 1
    registration.refresh_from_db()
    assert registration.user is None and registration.dietary_needs == ""
    # The log rows stay (who changed what, for the statistics) without the person's name or
    # what they wrote.
    rows = list(actions_for(target=registration))
    assert len(rows) == 2
    assert all(name not in row.target_label and "note" not in row.data for row in rows)
    assert registration.organisation == organisation
    assert registration.status == Status.CONFIRMED


def test_event_body_is_sanitised_on_save():
    event = EventFactory(
        body='<p onclick="x()">Hej <script>alert(1)</script><a href="javascript:x">a</a>'
        '<a href="https://almennet.dk">b</a></p><img src=x onerror=y>'
    )
    event.refresh_from_db()
    assert "script" not in event.body and "onclick" not in event.body
    assert "javascript" not in event.body and "<img" not in event.body
    assert '<a href="https://almennet.dk" rel="noopener noreferrer">b</a>' in event.body


def test_secretariat_corrects_the_answers_and_it_is_logged(secretary, member):
    registration = RegistrationFactory(dietary_needs="", comment="Hej")
    updated = services.registration_answers_update(
        registration=registration, actor=secretary, dietary_needs="Glutenfri", comment="Hej"
    )
    assert updated.dietary_needs == "Glutenfri"
    log = actions_for(target=registration).get()
    assert (log.actor, log.verb, log.data["note"]) == (
        secretary,
        "registration.edited",
        "dietary_needs",
    )
    with pytest.raises(PermissionDenied):
        services.registration_answers_update(
            registration=registration, actor=member, dietary_needs="", comment=""
        )
