"""A visitor subscribes in the browser, confirms from the mail, reads the archive and
unsubscribes from the newsletter's link, with no serious accessibility violations on the way."""

import re

from django.core import mail
from playwright.sync_api import expect

from newsletters import tokens
from newsletters.models import Consent, Newsletter, Subscriber
from tests.e2e.conftest import axe_violations


def test_subscribe_confirm_and_unsubscribe_in_the_browser(page):
    page.goto(page.base_url + "/newsletter/")
    assert axe_violations(page) == []
    page.fill("input[name=email]", "Ida.Jensen@Example.dk")
    page.fill("input[name=name]", "Ida Jensen")
    page.check("input[name=consent]")
    page.get_by_role("button", name="Tilmeld").click()
    page.get_by_role("heading", name="Tjek din indbakke").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/\S*newsletter/confirm/\S+/)", mail.outbox[0].body)
    page.goto(page.base_url + path.group(1))
    page.get_by_role("button", name="Ja, send mig nyhedsbrevet").click()
    page.get_by_role("heading", name="Tak", exact=True).wait_for()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert list(subscriber.consents.values_list("action", flat=True)) == [
        Consent.Action.REQUESTED,
        Consent.Action.CONFIRMED,
    ]

    # Opening the link from the mail again says it is done; it asks nothing more.
    page.goto(page.base_url + path.group(1))
    expect(page.get_by_role("heading", name="Allerede bekræftet")).to_be_visible()
    expect(page.get_by_role("button", name="Ja, send mig nyhedsbrevet")).to_have_count(0)
    assert subscriber.consents.count() == 2

    unsubscribe = tokens.unsubscribe_token_make("ida.jensen@example.dk")
    page.goto(page.base_url + f"/newsletter/unsubscribe/{unsubscribe}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Afmeld").click()
    page.get_by_role("heading", name="Afmeldt").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_archive_in_the_browser(page):
    from django.utils import timezone

    Newsletter.objects.create(
        subject="Nyhedsbrev om regnbede",
        slug="regnbede",
        body="<h2>Klimatilpasning</h2><p>Regnbede i boligområderne.</p>",
        status=Newsletter.Status.SENT,
        issued_at=timezone.now(),
    )
    page.goto(page.base_url + "/newsletter/archive/")
    page.get_by_role("link", name="Nyhedsbrev om regnbede").click()
    page.get_by_role("heading", name="Klimatilpasning").wait_for()
    assert axe_violations(page) == []
