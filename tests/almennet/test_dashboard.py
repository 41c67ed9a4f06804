"""The secretariat's start page: /admin/ shows what needs doing, each panel to those with its
permission, above Django's app list, in a fixed number of queries."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from almennet import dashboard
from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import AffiliationFactory, UserFactory
from devtools.factories.strategy import FocusAreaFactory
from events.models import Registration
from members.models import Affiliation
from outbox.models import OutboxMessage
from strategy.models import Comment, FocusArea, Voter, VotingRound

pytestmark = pytest.mark.django_db

ALL_PANELS = {
    "affiliation_requests",
    "focus_area_proposals",
    "comments",
    "next_events",
    "open_rounds",
    "failed_mail",
}


def _staff(*permissions: str, superuser: bool = False) -> Client:
    user = UserFactory(is_staff=True, is_superuser=superuser)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    return client


def _world():
    """One thing of each kind to do."""
    request = AffiliationFactory(
        user__first_name="Søren", user__last_name="Venter", confirmed_at=None
    )
    FocusAreaFactory(title="Grønne gårde", moderation=FocusArea.Moderation.PENDING)
    FocusAreaFactory(title="Allerede godkendt")
    area = FocusAreaFactory(title="Trygge opgange")
    Comment.objects.create(focus_area=area, author=UserFactory(), body="<b>Godt forslag</b>")
    event = EventFactory(title="Temadag om klima", capacity=4)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING, waiting_position=1)
    OutboxMessage.objects.create(
        to="forkert@example.dk",
        subject="Bekræftelse",
        status=OutboxMessage.Status.FAILED,
        last_error="550 no such user",
        message_id="<x@almennet.dk>",
    )
    now = timezone.now()
    voting_round = VotingRound.objects.create(
        title="Prioritering 2027",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=2),
        opened_at=now - datetime.timedelta(hours=1),
    )
    Voter.objects.create(round=voting_round, user=UserFactory(), has_voted=True)
    for _ in range(3):
        Voter.objects.create(round=voting_round, user=UserFactory())
    return request, event, voting_round


def _panel_keys(html: str) -> set[str]:
    return {key for key in ALL_PANELS if f'id="to-do-{key}"' in html}


def test_the_start_page_shows_each_thing_to_do_with_a_link_to_act():
    request, event, voting_round = _world()
    response = _staff(superuser=True).get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _panel_keys(html) == ALL_PANELS
    assert "Søren Venter" in html
    assert reverse("admin:members_affiliation_change", args=[request.pk]) in html
    assert "Grønne gårde" in html and "Allerede godkendt" not in html
    assert "&lt;b&gt;Godt forslag&lt;/b&gt;" in html  # user text escaped
    assert "Temadag om klima" in html
    assert "1 af 4 pladser (25 %)" in html and "1 på ventelisten" in html
    assert f"?event__id__exact={event.pk}" in html
    assert "forkert@example.dk" in html and "550 no such user" in html
    assert "Prioritering 2027" in html and "1 af 4 har stemt (25 %)" in html
    assert reverse("admin:strategy_votinground_change", args=[voting_round.pk]) in html
    # Django's app list stays below the panels.
    assert html.index('id="to-do"') < html.index('class="app-list"')


def test_empty_panels_say_so():
    html = _staff(superuser=True).get(reverse("admin:index")).content.decode()
    assert "Ingen anmodninger venter." in html
    assert "Ingen mails er fejlet." in html


def test_staff_see_only_the_panels_they_have_the_permission_for():
    _world()
    events_only = _staff("events.change_registration", "events.view_event")
    html = events_only.get(reverse("admin:index")).content.decode()
    assert _panel_keys(html) == {"next_events"}
    assert "Søren Venter" not in html and "forkert@example.dk" not in html

    nothing = _staff()
    assert _panel_keys(nothing.get(reverse("admin:index")).content.decode()) == set()


def test_people_who_are_not_staff_never_get_the_panels():
    user = UserFactory()
    assert dashboard.panels_for(user=user) == []
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_panels_cost_a_fixed_number_of_queries():
    _world()
    user = UserFactory(is_staff=True, is_superuser=True)
    with CaptureQueriesContext(connection) as few:
        dashboard.panels_for(user=user)
    for _ in range(5):
        AffiliationFactory(confirmed_at=None)
        EventFactory()
        FocusAreaFactory(moderation=FocusArea.Moderation.PENDING)
    with CaptureQueriesContext(connection) as many:
        panels = dashboard.panels_for(user=user)
    assert len(many) == len(few) == 6, [q["sql"] for q in many]
    assert {p.panel.key for p in panels} == ALL_PANELS
    waiting = Affiliation.objects.filter(confirmed_at__isnull=True).count()
    assert len(next(p for p in panels if p.panel.key == "affiliation_requests").rows) == waiting
