import datetime

import pytest
from django.core.exceptions import ValidationError

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)
from members.models import Affiliation, Organisation, Seat

pytestmark = pytest.mark.django_db

D = datetime.date


def test_duplicate_cvr_names_the_field_and_the_other_organisation():
    OrganisationFactory(name="Boligselskabet Først", cvr="10150817")
    second = OrganisationFactory.build(name="Boligselskabet Anden", slug="anden", cvr="10150817")
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert list(error.value.message_dict) == ["cvr"]
    assert "Boligselskabet Først" in error.value.message_dict["cvr"][0]


def test_invalid_cvr_and_ean_are_field_errors():
    organisation = OrganisationFactory.build(cvr="10150818", ean="4006381333932")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) == {"cvr", "ean"}


def test_membership_cannot_end_before_it_starts():
    organisation = OrganisationFactory.build(member_since=D(2020, 1, 1), member_until=D(2019, 1, 1))
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "member_until" in error.value.message_dict


def test_reserved_slugs_are_refused():
    organisation = OrganisationFactory.build(slug="me")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "slug" in error.value.message_dict


def test_affiliation_ending_before_it_starts_is_a_clear_error():
    affiliation = AffiliationFactory.build(
        user=UserFactory(),
        organisation=OrganisationFactory(),
        starts_on=D(2024, 5, 1),
        ends_on=D(2024, 4, 30),
    )
    with pytest.raises(ValidationError) as error:
        affiliation.full_clean()
    assert list(error.value.message_dict) == ["ends_on"]
    assert "2024-05-01" in error.value.message_dict["ends_on"][0]


def test_the_database_also_refuses_reversed_affiliation_dates():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(starts_on=D(2024, 5, 1), ends_on=D(2024, 4, 1))


class TestSeatOverlap:
    def test_two_chairs_of_the_board_at_the_same_time_are_refused(self):
        SeatFactory(role=Seat.Role.CHAIR, starts_on=D(2024, 1, 1), ends_on=None)
        second = SeatFactory.build(
            user=UserFactory(), role=Seat.Role.CHAIR, starts_on=D(2025, 1, 1)
        )
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        assert "role" in error.value.message_dict

    def test_a_new_chair_after_the_old_one_ended_is_fine(self):
        SeatFactory(role=Seat.Role.CHAIR, starts_on=D(2020, 1, 1), ends_on=D(2023, 12, 31))
        SeatFactory.build(
            user=UserFactory(), role=Seat.Role.CHAIR, starts_on=D(2024, 1, 1)
        ).full_clean()

    def test_the_last_day_of_one_chair_and_first_of_the_next_may_not_be_the_same(self):
        SeatFactory(role=Seat.Role.CHAIR, starts_on=D(2020, 1, 1), ends_on=D(2024, 1, 1))
        with pytest.raises(ValidationError):
            SeatFactory.build(
                user=UserFactory(), role=Seat.Role.CHAIR, starts_on=D(2024, 1, 1)
            ).full_clean()

    def test_a_chair_of_the_board_and_of_the_advisory_board_may_overlap(self):
        SeatFactory(role=Seat.Role.CHAIR, body=Seat.Body.BOARD, starts_on=D(2024, 1, 1))
        SeatFactory.build(
            user=UserFactory(),
            role=Seat.Role.CHAIR,
            body=Seat.Body.ADVISORY,
            starts_on=D(2024, 1, 1),
        ).full_clean()

    def test_many_ordinary_members_may_overlap(self):
        SeatFactory(role=Seat.Role.MEMBER, starts_on=D(2024, 1, 1))
        SeatFactory.build(
            user=UserFactory(), role=Seat.Role.MEMBER, starts_on=D(2024, 1, 1)
        ).full_clean()

    def test_the_same_person_cannot_hold_two_overlapping_seats_on_one_body(self):
        seat = SeatFactory(role=Seat.Role.MEMBER, starts_on=D(2024, 1, 1), ends_on=D(2025, 12, 31))
        with pytest.raises(ValidationError) as error:
            SeatFactory.build(
                user=seat.user, role=Seat.Role.SUBSTITUTE, starts_on=D(2025, 6, 1)
            ).full_clean()
        assert "starts_on" in error.value.message_dict

    def test_editing_a_seat_does_not_collide_with_itself(self):
        seat = SeatFactory(role=Seat.Role.CHAIR, starts_on=D(2024, 1, 1))
        seat.ends_on = D(2026, 1, 1)
        seat.full_clean()


def test_history_records_who_changed_an_affiliation():
    from members import services

    staff = UserFactory(is_staff=True)
    affiliation = AffiliationFactory(confirmed_at=None)
    services.affiliation_confirm(affiliation=affiliation, actor=staff)
    latest = Affiliation.history.filter(id=affiliation.id).latest("history_date")
    assert latest.history_user == staff
    assert latest.history_change_reason == "confirmed"
    assert latest.confirmed_at is not None


def test_organisation_history_keeps_membership_changes():
    from members import services

    staff = UserFactory(is_staff=True)
    organisation = OrganisationFactory(member_since=D(2010, 1, 1))
    services.organisation_membership_set(
        organisation=organisation,
        member_since=D(2010, 1, 1),
        member_until=D(2024, 12, 31),
        actor=staff,
    )
    records = list(Organisation.history.filter(id=organisation.id).order_by("history_date"))
    assert records[-1].member_until == D(2024, 12, 31)
    assert records[-1].history_user == staff
    assert records[0].member_until is None


class TestSeatRulesInTheDatabase:
    """The same rules hold when Seat.clean() is bypassed (bulk writes, raw SQL, a race)."""

    def _raw_create(self, **fields):
        from django.db import IntegrityError, transaction

        try:
            with transaction.atomic():
                Seat.objects.bulk_create([SeatFactory.build(**fields)])
        except IntegrityError as error:
            return error
        return None

    def test_second_overlapping_chair_is_refused_by_postgres(self):
        SeatFactory(role="chair", starts_on=D(2024, 1, 1))
        error = self._raw_create(user=UserFactory(), role="chair", starts_on=D(2025, 1, 1))
        assert error is not None and "seat_board_one_chair" in str(error)

    def test_open_ended_and_dated_periods_overlap_on_the_shared_day(self):
        SeatFactory(role="vice_chair", starts_on=D(2020, 1, 1), ends_on=D(2024, 4, 18))
        error = self._raw_create(user=UserFactory(), role="vice_chair", starts_on=D(2024, 4, 18))
        assert error is not None
        assert (
            self._raw_create(user=UserFactory(), role="vice_chair", starts_on=D(2024, 4, 19))
            is None
        )

    def test_same_person_twice_on_one_body_is_refused_by_postgres(self):
        seat = SeatFactory(role="member", starts_on=D(2024, 1, 1))
        error = self._raw_create(user=seat.user, role="substitute", starts_on=D(2024, 6, 1))
        assert error is not None and "seat_board_one_seat_per_person" in str(error)

    def test_same_person_on_two_bodies_is_fine(self):
        seat = SeatFactory(role="member", starts_on=D(2024, 1, 1))
        assert self._raw_create(user=seat.user, body="advisory", starts_on=D(2024, 1, 1)) is None

    def test_full_clean_gives_one_clear_error_not_two(self):
        SeatFactory(role="chair", starts_on=D(2024, 1, 1))
        with pytest.raises(ValidationError) as error:
            SeatFactory.build(
                user=UserFactory(), role="chair", starts_on=D(2025, 1, 1)
            ).full_clean()
        messages = [m for ms in error.value.message_dict.values() for m in ms]
        assert len(messages) == 1 and list(error.value.message_dict) == ["role"]
