import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)
from members import services
from members.models import Affiliation, Organisation, Seat, User

pytestmark = pytest.mark.django_db

D = datetime.date


class TestAffiliations:
    def test_a_request_is_unconfirmed_until_staff_confirm(self):
        user, organisation = UserFactory(), OrganisationFactory()
        affiliation = services.affiliation_request(
            user=user, organisation=organisation, role=Affiliation.Role.EMPLOYEE
        )
        assert affiliation.confirmed_at is None
        staff = UserFactory(is_staff=True)
        services.affiliation_confirm(affiliation=affiliation, actor=staff)
        affiliation.refresh_from_db()
        assert affiliation.confirmed_at is not None
        assert affiliation.confirmed_by == staff

    def test_asking_twice_is_refused(self):
        user, organisation = UserFactory(), OrganisationFactory(name="Boligselskabet Ø")
        services.affiliation_request(user=user, organisation=organisation, role="employee")
        with pytest.raises(ValidationError) as error:
            services.affiliation_request(user=user, organisation=organisation, role="employee")
        assert "Boligselskabet Ø" in error.value.message_dict["organisation"][0]

    def test_ending_before_the_start_saves_nothing(self):
        affiliation = AffiliationFactory(starts_on=D(2024, 1, 1))
        with pytest.raises(ValidationError):
            services.affiliation_end(affiliation=affiliation, ends_on=D(2023, 1, 1), actor=None)
        affiliation.refresh_from_db()
        assert affiliation.ends_on is None

    def test_withdraw_only_own_unconfirmed(self):
        affiliation = AffiliationFactory()
        with pytest.raises(ValidationError):
            services.affiliation_withdraw(affiliation=affiliation, user=affiliation.user)
        pending = AffiliationFactory(confirmed_at=None)
        services.affiliation_withdraw(affiliation=pending, user=pending.user)
        assert not Affiliation.objects.filter(pk=pending.pk).exists()


class TestSeats:
    def test_seat_create_refuses_a_second_vice_chair_and_saves_nothing(self):
        SeatFactory(role=Seat.Role.VICE_CHAIR, starts_on=D(2024, 1, 1))
        with pytest.raises(ValidationError):
            services.seat_create(
                user=UserFactory(),
                body=Seat.Body.BOARD,
                role=Seat.Role.VICE_CHAIR,
                starts_on=D(2024, 6, 1),
                actor=None,
            )
        assert Seat.objects.filter(role=Seat.Role.VICE_CHAIR).count() == 1

    def test_handing_over_the_chair(self):
        staff = UserFactory(is_staff=True)
        old = services.seat_create(
            user=UserFactory(), body="board", role="chair", starts_on=D(2020, 4, 1), actor=staff
        )
        services.seat_end(seat=old, ends_on=D(2024, 4, 17), actor=staff)
        new = services.seat_create(
            user=UserFactory(), body="board", role="chair", starts_on=D(2024, 4, 18), actor=staff
        )
        assert new.pk
        history = Seat.history.filter(id=old.id).order_by("history_date")
        assert [h.history_change_reason for h in history] == ["created", "updated"]
        assert all(h.history_user == staff for h in history)

    def test_seat_update_checks_overlap_too(self):
        SeatFactory(role="chair", starts_on=D(2020, 1, 1), ends_on=D(2021, 12, 31))
        later = SeatFactory(role="chair", starts_on=D(2022, 1, 1))
        with pytest.raises(ValidationError):
            services.seat_update(seat=later, starts_on=D(2021, 6, 1), actor=None)


class TestOrganisations:
    def test_organisation_save_validates_every_field(self):
        organisation = Organisation(name="Ny", slug="ny", cvr="12345678", ean="123")
        with pytest.raises(ValidationError) as error:
            services.organisation_save(organisation=organisation, actor=None)
        assert {"cvr", "ean"} <= set(error.value.message_dict)
        assert not Organisation.objects.filter(slug="ny").exists()

    def test_membership_end(self):
        organisation = OrganisationFactory()
        services.organisation_membership_set(
            organisation=organisation,
            member_since=organisation.member_since,
            member_until=D(2024, 12, 31),
            actor=None,
        )
        organisation.refresh_from_db()
        assert not organisation.has_active_membership(on=D(2025, 1, 1))


class TestProfileAndDeletion:
    def test_profile_update_strips_and_saves(self):
        user = UserFactory()
        services.user_profile_update(user=user, first_name="  Else ", phone="12 34 56 78")
        user.refresh_from_db()
        assert (user.first_name, user.phone) == ("Else", "12 34 56 78")

    def test_profile_update_refuses_other_fields(self):
        with pytest.raises(TypeError):
            services.user_profile_update(user=UserFactory(), is_staff=True)

    def test_delete_calls_every_erase_then_removes_personal_data(self, clean_registry):
        from members.registry import PersonalData, register_personal_data

        erased = []
        register_personal_data(
            PersonalData(key="events", export=lambda u: None, erase=lambda u: erased.append(u.pk))
        )
        seat = SeatFactory()
        user = seat.user
        affiliation = AffiliationFactory(user=user)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        confirmer_of = AffiliationFactory(confirmed_by=user)
        user_id = user.pk

        services.user_delete(user=user)

        assert erased == [user_id]
        assert not User.objects.filter(pk=user_id).exists()
        assert not Affiliation.objects.filter(pk=affiliation.pk).exists()
        assert not Seat.objects.filter(pk=seat.pk).exists()
        assert not EmailAddress.objects.filter(email=user.email).exists()
        assert not Affiliation.history.filter(user_id=user_id).exists()
        assert not Seat.history.filter(user_id=user_id).exists()
        # Someone else's affiliation that this person confirmed stays, without their name.
        confirmer_of.refresh_from_db()
        assert confirmer_of.confirmed_by is None

    def test_a_failing_erase_deletes_nothing(self, clean_registry):
        from members.registry import PersonalData, register_personal_data

        def broken(user):
            raise RuntimeError("mail server down")

        register_personal_data(PersonalData(key="mailings", export=lambda u: None, erase=broken))
        user = UserFactory()
        with pytest.raises(RuntimeError):
            services.user_delete(user=user)
        assert User.objects.filter(pk=user.pk).exists()
