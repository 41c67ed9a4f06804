from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Newsletter
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_preview_shows_the_mail_with_its_inline_styles(staff_client, newsletter_factory):
    newsletter = newsletter_factory(subject="Forårsnyt")
    response = staff_client.get(
        reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forårsnyt" in html and "#1d5c47" in html and "Afmeld" in html
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    english = staff_client.get(
        reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk]) + "?language=en"
    )
    assert "Unsubscribe" in english.content.decode()


def test_change_page_offers_test_and_send(staff_client, newsletter_factory):
    newsletter = newsletter_factory()
    response = staff_client.get(
        reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("admin:newsletters_newsletter_send_test", args=[newsletter.pk]) in page
    assert reverse("admin:newsletters_newsletter_send", args=[newsletter.pk]) in page


def test_send_test_to_myself(staff_client, newsletter_factory, django_capture_on_commit_callbacks):
    newsletter = newsletter_factory()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:newsletters_newsletter_send_test", args=[newsletter.pk])
        )
    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == ["staff@example.dk"]


def test_send_confirms_audience_then_sends_once_on_double_click(
    staff_client, newsletter_factory, subscriber_factory, django_capture_on_commit_callbacks
):
    subscriber_factory("a@example.dk")
    subscriber_factory("b@example.dk")
    newsletter = newsletter_factory()
    url = reverse("admin:newsletters_newsletter_send", args=[newsletter.pk])
    response = staff_client.get(url)
    assert "2 adresser modtager det" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(url, follow=True)
        second = staff_client.post(url, follow=True)
    assert "sendes til 2 adresser" in first.content.decode()
    assert "ikke sendt igen" in second.content.decode()
    assert len(mail.outbox) == 2
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT

    change = staff_client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]))
    assert "2 i alt: 0 i kø, 2 sendt, 0 fejlet" in change.content.decode()


def test_pause_and_resume_buttons(staff_client, newsletter_factory, subscriber_factory):
    subscriber_factory("a@example.dk")
    newsletter = newsletter_factory()
    from newsletters.services import newsletter_send

    newsletter_send(newsletter=newsletter, actor=None)  # the test never commits: stays queued
    staff_client.post(reverse("admin:newsletters_newsletter_pause", args=[newsletter.pk]))
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.PAUSED
    staff_client.post(reverse("admin:newsletters_newsletter_resume", args=[newsletter.pk]))
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENDING


def test_delivery_log_and_subscribers_are_listed(staff_client, subscriber_factory):
    subscriber_factory("a@example.dk")
    from outbox.services import message_queue

    message_queue(to="a@example.dk", template="mailings_test/hello", context={"thing": "x"})
    for name in [
        "outbox_outboxmessage",
        "newsletters_subscriber",
        "outbox_suppressedaddress",
        "newsletters_newsletter",
    ]:
        response = staff_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    log = staff_client.get(reverse("admin:outbox_outboxmessage_changelist") + "?q=a@example.dk")
    assert "Confirmation: x" in log.content.decode()
    message = OutboxMessage.objects.get()
    detail = staff_client.get(reverse("admin:outbox_outboxmessage_change", args=[message.pk]))
    assert detail.status_code == 200


def test_admin_is_for_staff_only(client, newsletter_factory):
    newsletter = newsletter_factory()
    response = client.get(reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk]))
    assert response.status_code == 302
    assert not Newsletter.objects.exclude(status="draft").exists()


def test_newsletter_list_counts_progress_without_a_query_per_row(
    staff_client, newsletter_factory, subscriber_factory, django_assert_max_num_queries
):
    from newsletters.services import newsletter_send

    subscriber_factory("a@example.dk")
    for _ in range(5):
        newsletter_send(newsletter=newsletter_factory(), actor=None)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:newsletters_newsletter_changelist"))
    assert response.content.decode().count("0/1") == 5


def test_staff_can_send_failed_mail_again(staff_client, smtp, django_capture_on_commit_callbacks):
    import smtplib

    from outbox import delivery
    from outbox.services import message_queue

    hello = {"template": "mailings_test/hello", "context": {"thing": "x"}}
    failed = message_queue(to="a@example.dk", **hello)
    sent = message_queue(to="b@example.dk", **hello)
    smtp.failures["a@example.dk"] = [smtplib.SMTPDataError(554, b"rejected")]
    delivery.outbox_deliver()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:outbox_outboxmessage_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 fejlede mails er sat i kø igen" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.dk", "b@example.dk"]
    assert OutboxMessage.objects.filter(status="sent").count() == 2


def test_delivery_log_does_not_show_links_that_act_for_the_recipient(staff_client):
    from outbox.services import message_queue

    message = message_queue(
        to="a@example.dk", template="mailings_test/hello", context={"thing": "secret-reset-link"}
    )
    page = staff_client.get(reverse("admin:outbox_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirmation: secret-reset-link" in html  # the subject is shown
    assert "secret-reset-link &amp; co." not in html and "/x/" not in html  # the body is not


class _FormNesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.deepest = 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


@pytest.mark.parametrize("status", ["draft", "sending", "paused"])
def test_send_buttons_are_not_forms_inside_the_change_form(
    staff_client, newsletter_factory, status
):
    """A browser drops a <form> nested in the change form, so "Send a test", "Pause" and "Resume"
    submitted the change form instead and nothing was sent or paused (the test client, which
    posts straight to the URL, never noticed)."""
    newsletter = newsletter_factory()
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=status, issued_at=None if status == "draft" else timezone.now()
    )
    page = staff_client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]))
    parser = _FormNesting()
    parser.feed(page.content.decode())
    assert parser.deepest == 1
    action = {"draft": "send_test", "sending": "pause", "paused": "resume"}[status]
    url = reverse(f"admin:newsletters_newsletter_{action}", args=[newsletter.pk])
    assert f'formaction="{url}"' in page.content.decode()


def test_cards_and_audience_are_explained_on_the_newsletter_form(staff_client):
    """ "Kort" (cards) alone told the secretariat nothing about what choosing an event does."""
    page = staff_client.get(
        reverse("admin:newsletters_newsletter_add"), HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert "vises som kort under teksten" in page
    assert "viser næste side, hvor mange adresser der modtager det" in page


def test_delivery_log_filters_by_kind_of_mail_in_words(staff_client):
    """The filter listed template paths such as "newsletters/mail/newsletter"."""
    kinds = ["newsletters/mail/newsletter", "events/mail/reminder", "some/new/mail"]
    for n, template in enumerate(kinds):
        OutboxMessage.objects.create(
            to="a@example.dk",
            template=template,
            subject="x",
            body_text="x",
            language="da",
            message_id=f"<{n}@example.dk>",
        )
    url = reverse("admin:outbox_outboxmessage_changelist")
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Arrangement: påmindelse" in page and "Nyhedsbrev" in page
    assert "events/mail/reminder" not in page.split("changelist-filter")[1].split("</nav>")[0]
    assert "some/new/mail" in page  # unknown kinds still show, by path
    filtered = staff_client.get(url, {"template": "events/mail/reminder"})
    assert [m.template for m in filtered.context["cl"].result_list] == ["events/mail/reminder"]
