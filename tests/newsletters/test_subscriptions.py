import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from newsletters import tokens
from newsletters.models import Consent, Subscriber
from newsletters.services import subscription_withdraw
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def confirm_path_from(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*/confirm/\S+/)", message.body).group(1)


def subscribe(client, email="ida@example.dk", **extra):
    data = {"email": email, "name": "Ida", "consent": "on", **extra}
    return client.post(reverse("newsletters:subscribe"), data)


def test_double_opt_in_records_consent_with_time_source_and_wording(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "Ida@Example.dk")
    assert response.status_code == 200
    assert "ida@example.dk" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ida@example.dk"
    assert subscriber.status == Subscriber.Status.PENDING
    assert len(mail.outbox) == 1
    confirm_path = confirm_path_from(mail.outbox[0])

    # Opening the link shows a button; it does not confirm (mail scanners open links).
    assert client.get(confirm_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    response = client.post(confirm_path)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.confirmed_at
    requested, confirmed = subscriber.consents.all()
    assert requested.action == Consent.Action.REQUESTED
    assert requested.source == "website form /newsletter/"
    assert "nyhedsbrev" in requested.text  # the Danish wording the visitor saw
    assert confirmed.action == Consent.Action.CONFIRMED and confirmed.text == requested.text
    assert not hasattr(Consent, "ip_address")

    # A second confirmation says so and changes nothing.
    response = client.post(confirm_path)
    assert response.status_code == 200
    assert "allerede" in response.content.decode().lower()
    assert subscriber.consents.count() == 2

    # Opening the link again says the address is already confirmed; it asks nothing.
    response = client.get(confirm_path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Allerede bekræftet" in html and "ida@example.dk" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert subscriber.consents.count() == 2


def test_consent_box_is_required_and_bad_addresses_are_refused(client):
    response = client.post(reverse("newsletters:subscribe"), {"email": "ida@example.dk"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert "samtykke" in response.content.decode()
    for address in ["ida", "ida@localhost", "ida@example", "ida@exa mple.dk"]:
        response = subscribe(client, address)
        assert "ikke en gyldig e-mailadresse" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_subscribing_a_confirmed_address_again_sends_nothing_and_reveals_nothing(
    client, subscriber_factory, django_capture_on_commit_callbacks
):
    subscriber_factory("ida@example.dk")
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client)
    assert response.status_code == 200
    assert "Tjek din indbakke" in response.content.decode()
    assert mail.outbox == []


def test_repeated_requests_send_at_most_one_confirmation_an_hour(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            subscribe(client)
    assert len(mail.outbox) == 1


def test_forged_and_expired_confirmation_links_get_clear_answers(client):
    forged = tokens.confirm_token_make("ida@example.dk")[:-3] + "abc"
    response = client.post(reverse("newsletters:confirm", args=[forged]))
    assert response.status_code == 400
    assert "ikke gyldigt" in response.content.decode()

    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        expired = tokens.confirm_token_make("ida@example.dk")
    response = client.get(reverse("newsletters:confirm", args=[expired]))
    assert response.status_code == 410
    assert "udløbet" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_confirming_an_address_that_never_asked_is_refused(client):
    token = tokens.confirm_token_make("nobody@example.dk")
    response = client.post(reverse("newsletters:confirm", args=[token]))
    assert response.status_code == 409
    assert not Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exists()


def test_unsubscribe_link_asks_first_then_unsubscribes_without_login(client, subscriber_factory):
    subscriber_factory("ida@example.dk")
    url = reverse("newsletters:unsubscribe", args=[tokens.unsubscribe_token_make("ida@example.dk")])
    response = client.get(url)
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    client.handler.enforce_csrf_checks = True
    response = client.post(url)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    withdrawn = subscriber.consents.get(action=Consent.Action.WITHDRAWN)
    assert withdrawn.source == "unsubscribe link"

    response = client.post(url)
    assert "allerede afmeldt" in response.content.decode()
    assert subscriber.consents.filter(action=Consent.Action.WITHDRAWN).count() == 1


def test_one_click_unsubscribe_rfc_8058(client, subscriber_factory):
    subscriber_factory("ida@example.dk")
    client.handler.enforce_csrf_checks = True
    url = reverse("newsletters:unsubscribe", args=[tokens.unsubscribe_token_make("ida@example.dk")])
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.consents.get().source == "one-click (List-Unsubscribe-Post)"


def test_one_click_with_a_forged_token_does_nothing(client, subscriber_factory):
    subscriber_factory("ida@example.dk")
    token = tokens.unsubscribe_token_make("ida@example.dk")
    forged = signing.dumps("ida@example.dk", salt="someone else's salt")
    for bad in [forged, token.replace(":", ";"), "x"]:
        response = client.post(
            reverse("newsletters:unsubscribe", args=[bad]),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 400
    # A confirmation token is not an unsubscribe token.
    response = client.post(
        reverse("newsletters:unsubscribe", args=[tokens.confirm_token_make("ida@example.dk")])
    )
    assert response.status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_unsubscribing_an_unknown_address_blocks_it_from_newsletters(client):
    url = reverse("newsletters:unsubscribe", args=[tokens.unsubscribe_token_make("new@example.dk")])
    response = client.post(url)
    assert response.status_code == 200
    assert "ikke på vores liste" in response.content.decode()
    assert Subscriber.objects.get(email="new@example.dk").status == Subscriber.Status.UNSUBSCRIBED


def test_unsubscribing_drops_queued_newsletter_mail(newsletter_factory, subscriber_factory):
    from newsletters.services import newsletter_send

    subscriber_factory("ida@example.dk")
    newsletter = newsletter_factory()
    newsletter_send(newsletter=newsletter, actor=None)  # after-commit delivery never runs here
    subscription_withdraw(email="ida@example.dk", source="test")
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SKIPPED
