import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
    member_user,
)
from members import selectors
from members.models import Affiliation, Seat

pytestmark = pytest.mark.django_db

D = datetime.date


class TestMemberRule:
    def test_current_confirmed_affiliation_to_active_member_counts(self):
        assert selectors.user_is_member(user=member_user())

    def test_visitor_is_not_a_member(self):
        assert not selectors.user_is_member(user=AnonymousUser())

    def test_user_without_affiliation_is_not_a_member(self):
        assert not selectors.user_is_member(user=UserFactory())

    def test_expired_affiliation_does_not_count(self, yesterday):
        affiliation = AffiliationFactory(ends_on=yesterday)
        assert not selectors.user_is_member(user=affiliation.user)

    def test_affiliation_ending_today_still_counts(self, today):
        affiliation = AffiliationFactory(ends_on=today)
        assert selectors.user_is_member(user=affiliation.user)

    def test_affiliation_starting_tomorrow_does_not_count_yet(self, tomorrow):
        affiliation = AffiliationFactory(starts_on=tomorrow)
        assert not selectors.user_is_member(user=affiliation.user)
        assert selectors.user_is_member(user=affiliation.user, on=tomorrow)

    def test_unconfirmed_affiliation_does_not_count(self):
        affiliation = AffiliationFactory(confirmed_at=None)
        assert not selectors.user_is_member(user=affiliation.user)

    def test_expired_membership_does_not_count(self, yesterday):
        organisation = OrganisationFactory(member_since=D(2010, 1, 1), member_until=yesterday)
        affiliation = AffiliationFactory(organisation=organisation)
        assert not selectors.user_is_member(user=affiliation.user)
        assert selectors.user_is_member(user=affiliation.user, on=yesterday)

    def test_membership_not_started_does_not_count(self, tomorrow):
        organisation = OrganisationFactory(member_since=tomorrow)
        affiliation = AffiliationFactory(organisation=organisation)
        assert not selectors.user_is_member(user=affiliation.user)

    def test_partner_organisation_without_membership_does_not_count(self):
        partner = OrganisationFactory(kind="knowledge", member_since=None)
        affiliation = AffiliationFactory(organisation=partner)
        assert not selectors.user_is_member(user=affiliation.user)

    def test_one_current_affiliation_among_expired_ones_is_enough(self, yesterday):
        user = UserFactory()
        AffiliationFactory(user=user, ends_on=yesterday)
        AffiliationFactory(user=user)
        assert selectors.user_is_member(user=user)
        assert selectors.user_member_organisations(user=user).count() == 1


class TestBoardSeat:
    def test_seat_that_ended_yesterday_is_not_on_the_board(self, yesterday):
        seat = SeatFactory(starts_on=D(2022, 1, 1), ends_on=yesterday)
        assert not selectors.user_is_board_member(user=seat.user)

    def test_seat_ending_today_is_on_the_board(self, today):
        seat = SeatFactory(starts_on=D(2022, 1, 1), ends_on=today)
        assert selectors.user_is_board_member(user=seat.user)

    def test_seat_starting_today_is_on_the_board(self, today):
        seat = SeatFactory(starts_on=today)
        assert selectors.user_is_board_member(user=seat.user)

    def test_seat_starting_tomorrow_is_not_yet_on_the_board(self, tomorrow):
        seat = SeatFactory(starts_on=tomorrow)
        assert not selectors.user_is_board_member(user=seat.user)
        assert selectors.user_is_board_member(user=seat.user, on=tomorrow)

    def test_substitutes_count_as_board(self):
        seat = SeatFactory(role=Seat.Role.SUBSTITUTE)
        assert selectors.user_is_board_member(user=seat.user)

    def test_advisory_board_is_not_the_board(self):
        seat = SeatFactory(body=Seat.Body.ADVISORY)
        assert not selectors.user_is_board_member(user=seat.user)
        assert selectors.user_is_advisory_member(user=seat.user)

    def test_board_members_lists_current_seat_holders_once(self, yesterday):
        current = SeatFactory().user
        SeatFactory(starts_on=D(2020, 1, 1), ends_on=yesterday)
        assert list(selectors.board_members()) == [current]


class TestContactDetails:
    def test_visitor_cannot(self):
        assert not selectors.user_can_see_contact_details(user=AnonymousUser())

    def test_user_without_membership_cannot(self):
        assert not selectors.user_can_see_contact_details(user=UserFactory())

    def test_member_can(self):
        assert selectors.user_can_see_contact_details(user=member_user())

    def test_staff_can(self):
        assert selectors.user_can_see_contact_details(user=UserFactory(is_staff=True))


class TestEngagementAccess:
    def test_representative_of_a_member_can(self):
        user = member_user(role=Affiliation.Role.REPRESENTATIVE)
        assert selectors.user_can_see_engagement_report(user=user)

    def test_ordinary_member_cannot(self):
        assert not selectors.user_can_see_engagement_report(user=member_user())

    def test_unconfirmed_representative_cannot(self):
        affiliation = AffiliationFactory(role=Affiliation.Role.REPRESENTATIVE, confirmed_at=None)
        assert not selectors.user_can_see_engagement_report(user=affiliation.user)

    def test_staff_can(self):
        assert selectors.user_can_see_engagement_report(user=UserFactory(is_staff=True))


def test_directory_totals_count_only_active_members(yesterday):
    OrganisationFactory(homes=1000)
    OrganisationFactory(homes=2500)
    OrganisationFactory(homes=99999, member_since=D(2010, 1, 1), member_until=yesterday)
    OrganisationFactory(homes=0, kind="financial", member_since=None)
    assert selectors.directory_totals() == {"count": 2, "homes": 3500}


def test_people_counts_cover_affiliations_overlapping_the_period():
    organisation = OrganisationFactory()
    AffiliationFactory(organisation=organisation, starts_on=D(2020, 1, 1), ends_on=D(2023, 6, 1))
    AffiliationFactory(organisation=organisation, starts_on=D(2024, 1, 1))
    AffiliationFactory(organisation=organisation, starts_on=D(2024, 1, 1), confirmed_at=None)
    AffiliationFactory(organisation=organisation, starts_on=D(2026, 1, 1))
    counts = selectors.organisation_people_counts(
        organisation_ids=[organisation.id], starts_on=D(2023, 1, 1), ends_on=D(2024, 12, 31)
    )
    assert counts == {organisation.id: 2}


def test_engagement_report_uses_every_registered_metric(clean_registry):
    from members.registry import EngagementMetric, register_engagement_metric

    first, second = OrganisationFactory(name="A"), OrganisationFactory(name="B")
    calls = []

    def compute(ids, starts_on, ends_on):
        calls.append((sorted(ids), starts_on, ends_on))
        return {first.id: 3}

    register_engagement_metric(EngagementMetric(key="x", label="Sign-ups", compute=compute))
    report = selectors.engagement_report(starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31))
    assert calls == [(sorted([first.id, second.id]), D(2024, 1, 1), D(2024, 12, 31))]
    assert [(r["organisation"].name, r["values"]) for r in report["rows"]] == [
        ("A", [3]),
        ("B", [0]),
    ]
    assert report["totals"] == [3]
    (chart,) = selectors.engagement_charts(report=report)
    # Zeros are left out of the chart (the table has them); the top bar is full width.
    assert [(bar["label"], bar["value"]) for bar in chart["bars"]] == [("A", 3)]
    assert chart["bars"][0]["width"] == 640 - 230 - 50


def test_engagement_chart_ranks_and_keeps_the_top(clean_registry):
    from members.registry import EngagementMetric, register_engagement_metric

    organisations = [OrganisationFactory(name=f"Org {n:02d}") for n in range(20)]
    values = {o.id: n + 1 for n, o in enumerate(organisations)}
    register_engagement_metric(
        EngagementMetric(key="x", label="X", compute=lambda ids, s, e: values)
    )
    report = selectors.engagement_report(starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31))
    (chart,) = selectors.engagement_charts(report=report, top=5)
    assert [bar["value"] for bar in chart["bars"]] == [20, 19, 18, 17, 16]
    assert chart["bars"][0]["width"] > chart["bars"][-1]["width"] > 0


def test_personal_data_includes_registered_sources_and_own_profile(clean_registry):
    from members.registry import PersonalData, register_personal_data

    register_personal_data(PersonalData(key="events", export=lambda user: [{"event": "X"}]))
    affiliation = AffiliationFactory(user__phone="+45 11 22 33 44")
    SeatFactory(user=affiliation.user)
    data = selectors.user_personal_data(user=affiliation.user)
    assert data["events"] == [{"event": "X"}]
    assert data["members"]["profile"]["phone"] == "+45 11 22 33 44"
    assert data["members"]["affiliations"][0]["organisation"] == affiliation.organisation.name
    assert data["members"]["seats"][0]["body"] == "board"
    assert timezone.now().isoformat()[:4] == data["generated_at"][:4]
