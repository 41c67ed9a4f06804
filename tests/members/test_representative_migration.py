"""The data migration of finding 5: self-declared representatives become employees, and each
organisation's council voter is the representative staff appointed."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_steps import (
    latest,
    today_afterwards,  # noqa: F401 - autouse
)
from tests.migration_steps import migrate as _migrate

BEFORE = [("members", "0004_seat_exclusion_constraints")]
AFTER = [("members", "0006_representatives_appointed_by_staff")]


@pytest.mark.django_db(transaction=True)
def test_self_declared_representatives_lose_the_role_and_staff_choices_vote():
    old = _migrate(BEFORE)
    User = old.get_model("members", "User")
    Organisation = old.get_model("members", "Organisation")
    Affiliation = old.get_model("members", "Affiliation")
    History = old.get_model("members", "HistoricalAffiliation")
    now = timezone.now()
    staff = User.objects.create(email="staff@example.dk", is_staff=True)
    organisation = Organisation.objects.create(
        name="Boligselskabet Nord",
        slug="nord",
        homes=45_670,
        member_since=datetime.date(2010, 1, 1),
    )

    def affiliation(email, *, by_self, starts_on):
        user = User.objects.create(email=email)
        row = Affiliation.objects.create(
            user=user,
            organisation=organisation,
            role="representative",
            starts_on=starts_on,
            confirmed_at=now,
            confirmed_by=staff,
            created_at=now,
        )
        History.objects.create(
            id=row.pk,
            user=user,
            organisation=organisation,
            role="representative",
            starts_on=starts_on,
            confirmed_at=None,
            created_at=now,
            history_date=now,
            history_type="+",
            history_user=user if by_self else staff,
        )
        return row

    real = affiliation("real@example.dk", by_self=False, starts_on=datetime.date(2020, 1, 1))
    intruder = affiliation("intruder@example.dk", by_self=True, starts_on=datetime.date(1990, 1, 1))

    new = _migrate(AFTER)
    Affiliation = new.get_model("members", "Affiliation")
    Organisation = new.get_model("members", "Organisation")
    History = new.get_model("members", "HistoricalAffiliation")
    assert Affiliation.objects.get(pk=intruder.pk).role == "employee"
    assert Affiliation.objects.get(pk=real.pk).role == "representative"
    assert Organisation.objects.get(pk=organisation.pk).council_voter_id == real.user_id
    assert History.objects.filter(
        id=intruder.pk, history_change_reason__contains="self-declared"
    ).exists()
    from members.models import User as NewUser
    from members.selectors import user_can_see_engagement_report

    _migrate(latest())  # the live models below have today's columns

    assert not user_can_see_engagement_report(user=NewUser.objects.get(pk=intruder.user_id))
    assert user_can_see_engagement_report(user=NewUser.objects.get(pk=real.user_id))
