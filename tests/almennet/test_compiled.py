"""Reads compiled once (almennet/compiled.py), the session store and the auth backend that use
them: each gives what the ORM's own read gives, for any arguments, in one query."""

import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity.models import Action
from activity.services import record
from almennet.auth import ModelBackend
from almennet.compiled import CompiledQuery
from almennet.sessions import SessionStore
from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from events.models import Event, Registration
from events.selectors import user_registration_for
from members.models import Affiliation

pytestmark = pytest.mark.django_db

_REGISTRATION = CompiledQuery(
    lambda event, user: (
        Registration.objects.filter(event_id=event, user_id=user)
        .select_related("organisation", "event")
        .order_by("pk")
    ),
    event=int,
    user=int,
)


def test_model_rows_are_the_querysets_with_their_related_objects_and_one_query():
    organisation = OrganisationFactory()
    mine = RegistrationFactory(organisation=organisation, comment="æøå <b>")
    RegistrationFactory(event=mine.event)  # someone else's, same event
    other = RegistrationFactory(user=mine.user)  # mine, another event
    for registration in (mine, other):
        expected = list(
            Registration.objects.filter(event=registration.event, user=registration.user)
            .select_related("organisation", "event")
            .order_by("pk")
        )
        with CaptureQueriesContext(connection) as queries:
            found = _REGISTRATION.objects(event=registration.event_id, user=registration.user_id)
            # the related objects came with it: no query for them
            labels = [(r.organisation and r.organisation.name, r.event.title) for r in found]
        assert len(queries) == 1
        assert found == expected
        assert [r.__dict__.keys() for r in found] == [r.__dict__.keys() for r in expected]
        assert labels == [(r.organisation and r.organisation.name, r.event.title) for r in expected]
    assert found[0].comment == other.comment
    assert _REGISTRATION.first(event=mine.event_id, user=-5) is None


def test_converted_columns_are_converted_as_the_orm_converts_them():
    user = UserFactory()
    action = record(user, "registration.signed_up", None, event=7, note="på dansk")
    read = CompiledQuery(lambda pk: Action.objects.filter(pk=pk), pk=int)
    found = read.first(pk=action.pk)
    assert (
        found.data
        == Action.objects.get(pk=action.pk).data
        == {
            "event": 7,
            "note": "på dansk",
        }
    )
    assert found.created_at == Action.objects.get(pk=action.pk).created_at
    assert timezone.is_aware(found.created_at)


def test_value_rows_and_a_date_argument_bound_twice():
    today = datetime.date(2026, 12, 7)
    user = UserFactory()
    AffiliationFactory(user=user, starts_on=today - datetime.timedelta(days=10), ends_on=None)
    AffiliationFactory(
        user=user,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=1),
    )
    current = CompiledQuery(
        lambda user, on: (
            Affiliation.objects.current(on).filter(user_id=user).values_list("ends_on").order_by()
        ),
        user=int,
        on=datetime.date,
    )
    assert current.rows(user=user.pk, on=today) == [(None,)]
    assert len(current.rows(user=user.pk, on=today - datetime.timedelta(days=2))) == 2
    assert current.rows(user=user.pk, on=today - datetime.timedelta(days=20)) == []


def test_an_aggregate_grouped_by_the_row_it_counts():
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.CONFIRMED)
    RegistrationFactory(event=event, status=Registration.Status.WAITING, waiting_position=1)
    assert Event.objects.seat_counts_of(event) == {
        "confirmed_count": 2,
        "waiting_count": 1,
        "seats_left": 3,
    }
    assert Event.objects.seat_counts_of(EventFactory(capacity=4)) == {
        "confirmed_count": 0,
        "waiting_count": 0,
        "seats_left": 4,
    }


def test_an_argument_that_is_not_a_parameter_of_its_own_is_refused():
    changed = CompiledQuery(
        lambda text: Registration.objects.filter(comment__icontains=text), text=str
    )
    with pytest.raises(TypeError, match="did not reach the SQL"):
        changed.rows(text="x")
    with pytest.raises(TypeError, match="int, str, date or datetime"):
        CompiledQuery(lambda amount: Registration.objects.all(), amount=float)
    grouped = CompiledQuery(
        lambda event: Registration.objects.filter(event_id=event).annotate(n=Count("pk")),
        event=int,
    )
    assert grouped.rows(event=-1) == []


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_needs_a_transaction_as_the_orms_does():
    event = EventFactory()
    lock = CompiledQuery(
        lambda pk: Event.objects.select_for_update().filter(pk=pk).values_list("capacity"),
        pk=int,
    )
    with transaction.atomic():
        assert lock.rows(pk=event.pk) == [(event.capacity,)]
    with pytest.raises(TransactionManagementError):
        lock.rows(pk=event.pk)


def test_a_persons_registration_for_an_event_is_the_active_one():
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)
    assert user_registration_for(event=registration.event, user=registration.user) is None
    active = RegistrationFactory(event=registration.event, user=registration.user)
    found = user_registration_for(event=registration.event, user=registration.user)
    assert found == active
    assert found.organisation == active.organisation


def _stored_session(user, *, backend: str, expire_date=None) -> str:
    store = DjangoSessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    if expire_date is not None:
        Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


def test_the_session_store_reads_djangos_sessions_and_not_expired_ones():
    user = UserFactory()
    key = _stored_session(user, backend="almennet.auth.ModelBackend")
    assert SessionStore(key).load()[SESSION_KEY] == str(user.pk)
    expired = _stored_session(
        user,
        backend="almennet.auth.ModelBackend",
        expire_date=timezone.now() - datetime.timedelta(seconds=1),
    )
    store = SessionStore(expired)
    assert store.load() == {}
    assert store.session_key is None
    assert SessionStore("x" * 32).load() == {}


@pytest.mark.parametrize(
    "backend", ["almennet.auth.ModelBackend", "django.contrib.auth.backends.ModelBackend"]
)
def test_a_session_from_either_backend_is_logged_in(backend):
    """Sessions written before the compiled backend (Django's path) stay logged in."""
    user = UserFactory()
    browser = Client()
    browser.cookies["sessionid"] = _stored_session(user, backend=backend)
    page = browser.get("/events/mine/")
    assert page.status_code == 200
    assert page.wsgi_request.user == user


def test_a_login_records_the_compiled_backend_and_it_refuses_inactive_users():
    user = UserFactory()
    browser = Client()
    assert browser.login(email=user.email, password="correct horse battery staple")  # noqa: S106
    assert browser.session[BACKEND_SESSION_KEY] == "almennet.auth.ModelBackend"
    backend = ModelBackend()
    assert backend.get_user(str(user.pk)) == user
    assert backend.get_user("not a number") is None
    assert backend.get_user(str(user.pk + 1000)) is None
    user.is_active = False
    user.save()
    assert backend.get_user(str(user.pk)) is None


def test_where_a_person_stands_comes_from_their_current_confirmed_affiliations():
    from members.selectors import user_standing

    today = timezone.localdate()
    member = OrganisationFactory(member_since=today - datetime.timedelta(days=100))
    user = UserFactory()
    AffiliationFactory(user=user, organisation=member, starts_on=today, ends_on=None)
    AffiliationFactory(user=user, confirmed_at=None)  # not confirmed: not counted
    standing = user_standing(user=user)
    assert standing.organisations == (member,)
    assert standing.is_member


def test_an_insert_compiled_once_saves_the_row_as_djangos_insert_does():
    """Registration, Action and OutboxMessage insert through CompiledInsert: the row, its
    primary key, auto_now_add and JSON come out as Django's own insert leaves them, in one
    query; a value that is an expression goes through Django's insert."""
    from django.db.models.functions import Now

    from almennet.compiled import _INSERTS

    user = UserFactory()
    target = RegistrationFactory()
    for note in ("first", "second, the SQL kept"):
        with CaptureQueriesContext(connection) as queries:
            action = record(user, "registration.signed_up", target, event=3, note=note)
        # (the first also looks up the content type, which Django then keeps)
        assert [q["sql"].split(" ")[0] for q in queries][-1:] == ["INSERT"]
        assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1
        assert action.pk is not None and not action._state.adding
        stored = Action.objects.get(pk=action.pk)
        assert stored.data == {"event": 3, "note": note}
        assert stored.target_id == str(target.pk) and stored.actor == user
        assert stored.created_at == action.created_at and timezone.is_aware(action.created_at)
    assert any(key[0] is Action for key in _INSERTS)
    with_expression = Action(actor=user, verb="registration.signed_up", created_at=Now())
    with_expression.target_id = "1"
    with_expression.save()  # Django's insert: the expression is compiled with the query
    assert Action.objects.filter(pk=with_expression.pk).exists()
    registration = Registration(
        event=EventFactory(), user=user, status=Registration.Status.CONFIRMED, price=0
    )
    registration.save(force_insert=True)
    assert Registration.objects.get(pk=registration.pk).created_at == registration.created_at
