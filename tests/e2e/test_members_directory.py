"""Browser tests of the member directory and my page, in Danish, against the live server."""

import io

import pytest
from playwright.sync_api import expect

from devtools.demo import members as demo
from members.models import Affiliation, Organisation, User
from tests.e2e.conftest import axe_violations, login


@pytest.fixture
def demo_data(transactional_db):
    demo.seed(stdout=io.StringIO())


def test_directory_filters_and_hides_contact_details_from_visitors(page, demo_data):
    page.goto(page.base_url + "/members/")
    totals = page.get_by_test_id("directory-totals")
    assert "54 medlemsorganisationer" in totals.inner_text()
    assert "464.000" in totals.inner_text()
    assert page.locator("table.directory-table tbody tr").count() == 54

    page.get_by_label("Region").select_option("nordjylland")
    page.get_by_role("button", name="Filtrer").click()
    expected = Organisation.objects.members().filter(region="nordjylland").count()
    assert page.locator("table.directory-table tbody tr").count() == expected
    assert "region=nordjylland" in page.url

    page.get_by_label("Søg i medlemsorganisationer").fill("Nordhavn")
    page.get_by_label("Region").select_option("")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("table.directory-table tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link").click()
    page.wait_for_url("**/members/boligselskabet-nordhavn/")
    assert page.get_by_role("heading", level=1).inner_text() == "Boligselskabet Nordhavn"
    assert page.get_by_test_id("person").count() >= 2
    assert page.get_by_test_id("person-email").count() == 0
    expect(page.get_by_test_id("contact-hint")).to_be_visible()
    assert axe_violations(page) == []


def test_member_sees_contact_details_and_uses_my_page(page, demo_data):
    login(page, email="medlem@almennet.dk", password="almennet-demo")
    page.goto(page.base_url + "/members/boligselskabet-nordhavn/")
    assert page.get_by_test_id("person-email").count() >= 2

    page.get_by_role("link", name="Min side").click()
    page.wait_for_url("**/members/me/")
    assert page.get_by_test_id("member-badge").inner_text() == "Medlem"

    page.get_by_label("Stillingsbetegnelse").fill("Projektleder")
    page.get_by_role("button", name="Gem profil").click()
    expect(page.get_by_text("Din profil er gemt.")).to_be_visible()
    assert User.objects.get(email="medlem@almennet.dk").job_title == "Projektleder"

    form = page.get_by_test_id("affiliation-form")
    form.get_by_label("Organisation").select_option(label="Boligselskabet Nordhavn")
    form.get_by_role("button", name="Send anmodning").click()
    expect(page.get_by_text("Sekretariatet bekræfter, at du arbejder i")).to_be_visible()
    pending = page.get_by_test_id("my-affiliations").locator("li", has_text="Nordhavn")
    assert "Afventer bekræftelse" in pending.inner_text()
    assert (
        Affiliation.objects.get(
            user__email="medlem@almennet.dk", organisation__short_name="Nordhavn"
        ).confirmed_at
        is None
    )

    with page.expect_download() as download_info:
        page.get_by_test_id("data-export").click()
    assert download_info.value.suggested_filename.startswith("almennet-my-data-")
    assert axe_violations(page) == []


def test_account_deletion_from_my_page(page, demo_data):
    login(page, email="medlem@almennet.dk", password="almennet-demo")
    page.goto(page.base_url + "/members/me/")
    page.get_by_role("link", name="Slet min konto").click()
    # Just logged in: the login counts as the recent password (no second prompt, issue 16);
    # a login more than five minutes old is asked again (tests/almennet/test_fresh_login.py).
    page.wait_for_url(lambda url: "/members/me/delete/" in url)
    page.get_by_role("button", name="Slet min konto endegyldigt").click()
    # The confirmation box is required: nothing happens without it.
    assert User.objects.filter(email="medlem@almennet.dk").exists()
    page.get_by_label("Jeg forstår").check()
    page.get_by_role("button", name="Slet min konto endegyldigt").click()
    page.wait_for_url(page.base_url + "/")
    assert not User.objects.filter(email="medlem@almennet.dk").exists()


def test_representative_sees_the_engagement_chart(page, demo_data):
    login(page, email="medlem@almennet.dk", password="almennet-demo")
    page.goto(page.base_url + "/members/engagement/")
    assert page.locator("table.engagement-table tbody tr").count() == 54
    # One chart per registered metric; members' own "people affiliated" has a bar for
    # every organisation with people, at most the top 15.
    people_chart = page.locator("figure.engagement-chart", has_text="Tilknyttede personer")
    assert people_chart.locator("svg rect").count() == 15
    page.locator("#id_starts_on").fill("2026-12-31")
    page.locator("#id_ends_on").fill("2026-01-01")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text("Perioden skal slutte")).to_be_visible()
