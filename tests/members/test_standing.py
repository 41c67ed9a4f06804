"""Standing (issue 14): where a person stands, read in one query, answers as the per-question
selectors do in every state an affiliation can be in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.factories.members import AffiliationFactory, OrganisationFactory, UserFactory
from members.models import Affiliation
from members.selectors import (
    Standing,
    user_is_member,
    user_is_representative,
    user_member_organisations,
    user_standing,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)
MEMBER = {"member_since": datetime.date(2010, 1, 1)}
STATES = {
    "current": {},
    "unconfirmed": {"confirmed_at": None},
    "not started": {"starts_on": datetime.date(2026, 6, 2)},
    "ended": {"ends_on": datetime.date(2026, 5, 31)},
    "ends that day": {"ends_on": DAY},
    "organisation left": {"organisation__member_until": datetime.date(2026, 1, 1)},
    "organisation not a member": {"organisation__member_since": None},
    "representative": {"role": Affiliation.Role.REPRESENTATIVE},
    "representative, organisation left": {
        "role": Affiliation.Role.REPRESENTATIVE,
        "organisation__member_until": datetime.date(2026, 1, 1),
    },
}


@pytest.mark.parametrize("state", STATES)
def test_standing_answers_as_the_selectors_do(state):
    user = UserFactory()
    AffiliationFactory(user=user, **STATES[state])
    standing = user_standing(user=user, on=DAY)
    assert standing.is_member == user_is_member(user=user, on=DAY)
    assert standing.is_representative == user_is_representative(user=user, on=DAY)
    assert set(standing.member_organisations) == set(user_member_organisations(user=user, on=DAY))
    every = Affiliation.objects.filter(user=user).select_related("organisation")
    assert Standing.of(every, DAY) == standing


def test_standing_is_one_query_and_prefers_a_member_organisation():
    user = UserFactory()
    AffiliationFactory(user=user, organisation=OrganisationFactory(name="A", member_since=None))
    AffiliationFactory(user=user, organisation=OrganisationFactory(name="B", **MEMBER))
    AffiliationFactory(user=user, organisation=OrganisationFactory(name="C", **MEMBER))
    with CaptureQueriesContext(connection) as queries:
        standing = user_standing(user=user)
        assert [o.name for o in standing.organisations] == ["A", "B", "C"]
        assert standing.default_organisation.name == "B"
        assert standing.is_member
    assert len(queries.captured_queries) == 1


@pytest.mark.parametrize("state", STATES)
def test_the_engagement_report_rule_answers_alike_from_a_standing(state):
    from members.selectors import user_can_see_engagement_report

    user = UserFactory()
    AffiliationFactory(user=user, **STATES[state])
    standing = user_standing(user=user)
    assert user_can_see_engagement_report(
        user=user, standing=standing
    ) == user_can_see_engagement_report(user=user)
