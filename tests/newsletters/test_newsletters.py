import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from devtools.factories.members import AffiliationFactory, SeatFactory
from events.models import Event, EventSession
from members.models import Affiliation, Seat
from newsletters.models import Newsletter, Subscriber
from newsletters.selectors import newsletter_audience, newsletter_progress
from newsletters.services import (
    newsletter_pause,
    newsletter_resume,
    newsletter_send,
    newsletter_test_send,
)
from outbox import delivery, tasks
from outbox.models import OutboxMessage, SuppressedAddress
from outbox.services import message_queue

pytestmark = pytest.mark.django_db


def emails(recipients):
    return [r.email for r in recipients]


def test_body_is_sanitised_when_saved(newsletter_factory):
    newsletter = newsletter_factory(
        body='<p onclick="x()">Hej <script>alert(1)</script><a href="javascript:x">a</a>'
        '<a href="https://almennet.dk">b</a><img src=x><span style="color:red">c</span></p>'
    )
    assert "script" not in newsletter.body and "onclick" not in newsletter.body
    assert "javascript" not in newsletter.body and "<img" not in newsletter.body
    assert "style" not in newsletter.body
    assert '<a href="https://almennet.dk" rel="noopener noreferrer">b</a>' in newsletter.body


def test_audience_combines_groups_once_each_without_unsubscribed_or_failing(
    newsletter_factory, subscriber_factory
):
    subscriber_factory("sub@example.dk", language="en")
    subscriber_factory("pending@example.dk", status=Subscriber.Status.PENDING)
    contact = AffiliationFactory(role=Affiliation.Role.CONTACT, user__email="contact@example.dk")
    AffiliationFactory(role=Affiliation.Role.EMPLOYEE, user__email="employee@example.dk")
    AffiliationFactory(  # a contact at an organisation that is no longer a member
        role=Affiliation.Role.CONTACT,
        user__email="former@example.dk",
        organisation__member_until=datetime.date(2020, 1, 1),
    )
    SeatFactory(body=Seat.Body.BOARD, user__email="board@example.dk")
    SeatFactory(body=Seat.Body.ADVISORY, user__email="advisory@example.dk")
    SeatFactory(
        user__email="oldboard@example.dk",
        starts_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    SeatFactory(user=contact.user)  # in two groups, one mail
    subscriber_factory("gone@example.dk", status=Subscriber.Status.UNSUBSCRIBED)
    SeatFactory(user__email="gone@example.dk")
    SuppressedAddress.objects.create(email="bounce@example.dk")
    subscriber_factory("bounce@example.dk")

    newsletter = newsletter_factory(to_subscribers=True)
    assert emails(newsletter_audience(newsletter=newsletter)) == ["sub@example.dk"]
    newsletter.to_member_contacts = True
    newsletter.to_seat_holders = True
    audience = newsletter_audience(newsletter=newsletter)
    assert emails(audience) == [
        "advisory@example.dk",
        "board@example.dk",
        "contact@example.dk",
        "sub@example.dk",
    ]
    assert {r.email: r.language for r in audience}["sub@example.dk"] == "en"


def test_send_queues_one_mail_per_address_in_its_language_with_unsubscribe_headers(
    newsletter_factory, subscriber_factory, django_capture_on_commit_callbacks, admin_user, settings
):
    settings.SITE_URL = "http://testserver-site"
    subscriber_factory("da@example.dk", language="da")
    subscriber_factory("en@example.dk", language="en")
    event = Event.objects.create(
        title="Boligsocialt årsmøde",
        slug="aarsmoede",
        summary="To dage om fremtidens almene boliger",
    )
    start = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=6)
    )
    newsletter = newsletter_factory(
        body='<p>Hej <strong>alle</strong>, <a href="/strategy/">se</a></p>'
    )
    newsletter.events.set([event])

    with django_capture_on_commit_callbacks(execute=True):
        outcome = newsletter_send(newsletter=newsletter, actor=admin_user)
    assert outcome.started and outcome.queued == 2
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert newsletter.issued_at and newsletter.finished_at and newsletter.sent_by == admin_user
    assert newsletter_progress(newsletter=newsletter) == {
        "total": 2, "queued": 0, "sent": 2, "failed": 0, "skipped": 0,
    }  # fmt: skip

    by_address = {m.to[0]: m for m in mail.outbox}
    danish, english = by_address["da@example.dk"], by_address["en@example.dk"]
    assert danish.subject == english.subject == newsletter.subject
    html = danish.alternatives[0].content
    assert "Boligsocialt årsmøde" in html and "/events/aarsmoede/" in html
    assert "Læs det på nettet" in html and "Read it on the web" in english.alternatives[0].content
    assert "<strong>alle</strong>" in html
    assert 'href="http://testserver-site/strategy/"' in html  # relative links made absolute
    assert "Hej alle" in danish.body and "Boligsocialt årsmøde" in danish.body

    unsubscribe = danish.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/newsletter/unsubscribe/" in unsubscribe
    assert danish.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in html and unsubscribe[1:-1] in danish.body
    assert "/en/newsletter/unsubscribe/" in english.extra_headers["List-Unsubscribe"]
    assert unsubscribe != english.extra_headers["List-Unsubscribe"]


def test_sending_twice_sends_once(
    newsletter_factory, subscriber_factory, django_capture_on_commit_callbacks
):
    subscriber_factory("a@example.dk")
    newsletter = newsletter_factory()
    with django_capture_on_commit_callbacks(execute=True):
        first = newsletter_send(newsletter=newsletter, actor=None)
        second = newsletter_send(newsletter=newsletter, actor=None)
    assert first.started and not second.started
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_sending_at_once_send_once(settings):
    settings.MAILINGS_PARALLEL_DRAINS = 0  # deliver in the test, not in the sending threads
    for i in range(20):
        Subscriber.objects.create(email=f"p{i}@example.dk", status="confirmed")
    newsletter = Newsletter.objects.create(subject="S", slug="s")
    barrier = threading.Barrier(4)
    outcomes = []

    def click():
        try:
            barrier.wait()
            outcomes.append(newsletter_send(newsletter=newsletter, actor=None).started)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert OutboxMessage.objects.count() == 20
    tasks.outbox_drain()
    assert len(mail.outbox) == 20


def test_empty_audience_is_refused_and_stays_a_draft(newsletter_factory):
    newsletter = newsletter_factory()
    with pytest.raises(ValidationError):
        newsletter_send(newsletter=newsletter, actor=None)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT and newsletter.issued_at is None


def test_pause_holds_the_queue_and_resume_sends_the_rest(
    newsletter_factory, subscriber_factory, django_capture_on_commit_callbacks
):
    for i in range(5):
        subscriber_factory(f"p{i}@example.dk")
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=None)  # no commit: nothing delivered yet
    delivery.outbox_deliver(limit=2)
    assert newsletter_pause(newsletter=newsletter, actor=None)
    assert delivery.outbox_deliver().claimed == 0
    assert newsletter_progress(newsletter=newsletter)["queued"] == 3
    assert newsletter.status == Newsletter.Status.PAUSED
    assert not newsletter_pause(newsletter=newsletter, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert newsletter_resume(newsletter=newsletter, actor=None)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.dk" for i in range(5)]


def test_an_address_unsubscribed_or_failing_after_queueing_is_not_mailed(
    newsletter_factory, subscriber_factory
):
    for address in ["a@example.dk", "b@example.dk", "c@example.dk"]:
        subscriber_factory(address)
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=None)
    Subscriber.objects.filter(email="a@example.dk").update(status="unsubscribed")
    SuppressedAddress.objects.create(email="b@example.dk")
    tasks.outbox_drain()
    assert [m.to[0] for m in mail.outbox] == ["c@example.dk"]
    assert newsletter_progress(newsletter=newsletter)["skipped"] == 2


def test_test_send_goes_only_to_the_staff_member(
    newsletter_factory, subscriber_factory, django_capture_on_commit_callbacks, admin_user
):
    subscriber_factory("a@example.dk")
    newsletter = newsletter_factory()
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_test_send(newsletter=newsletter, user=admin_user)
    assert [m.to[0] for m in mail.outbox] == [admin_user.email]
    assert mail.outbox[0].subject.startswith("[TEST]")
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT
    assert newsletter_progress(newsletter=newsletter)["total"] == 0


def test_archive_lists_only_sent_issues(client, newsletter_factory):
    draft = newsletter_factory(subject="Kladde")
    sent = newsletter_factory(
        subject="Nyhedsbrev marts",
        status="sent",
        issued_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )
    response = client.get(reverse("newsletters:archive"))
    assert "Nyhedsbrev marts" in response.content.decode()
    assert "Kladde" not in response.content.decode()
    response = client.get(sent.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>alle</strong>" in response.content.decode()
    assert "style=" not in response.content.decode()  # the site's CSP: no inline styles
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_send_pause_and_resume_are_recorded_with_who_did_it(
    newsletter_factory, subscriber_factory, admin_user
):
    subscriber_factory("a@example.dk")
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=admin_user)
    newsletter_pause(newsletter=newsletter, actor=admin_user)
    newsletter_resume(newsletter=newsletter, actor=admin_user)
    changes = [
        (h.status, h.history_user, h.history_change_reason)
        for h in newsletter.history.order_by("history_id")
    ]
    assert changes[1:] == [
        ("sending", admin_user, "sent"),
        ("paused", admin_user, "paused"),
        ("sending", admin_user, "resumed"),
    ]


def test_archive_pages_use_a_fixed_number_of_queries(
    client, newsletter_factory, django_assert_max_num_queries
):
    for i in range(8):
        newsletter = newsletter_factory(
            status="sent", issued_at=datetime.datetime(2026, 1, 1 + i, tzinfo=datetime.UTC)
        )
        newsletter.events.set([Event.objects.create(title=f"E{i}", slug=f"e{i}")])
    # The footer reads the member figures and the site settings (one query each, shared under
    # the page cache's content version in production, where the page cache is on).
    with django_assert_max_num_queries(4):
        assert client.get(reverse("newsletters:archive")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(newsletter.get_absolute_url()).status_code == 200


def test_deleting_a_newsletter_takes_its_mail_with_it(newsletter_factory, subscriber_factory):
    from outbox.models import Batch

    subscriber_factory("a@example.dk")
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=None)
    assert OutboxMessage.objects.filter(batch=newsletter.batch).count() == 1
    message_queue(to="b@example.dk", template="mailings_test/hello", context={"thing": "x"})
    newsletter.delete()
    assert not Batch.objects.exists()
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["b@example.dk"]
