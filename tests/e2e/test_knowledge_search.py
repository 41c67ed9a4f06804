"""Browser: search the knowledge hub from the header and open a publication."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory, pdf_bytes
from publications.services import publication_file_add


@pytest.fixture
def knowledge(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    project = ProjectFactory(title="Tryghed i opgangen")
    publication = PublicationFactory(
        title="Tryghed i boligafdelingen",
        summary="Erfaringer fra fire opgange om lys, indgange og naboskab.",
    )
    publication.projects.add(project)
    publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("rapport.pdf", pdf_bytes("Opgangsmøder skaber naboskab")),
        title="Rapporten som PDF",
    )
    PublicationFactory(title="Tryghed for medlemmer", is_member_only=True)
    return publication


def test_search_finds_a_danish_word_form_and_opens_the_publication(page, knowledge):
    page.goto(page.base_url + "/")
    page.fill("#site-search", "boligafdelinger")
    page.locator("header form[role=search] button[type=submit]").click()
    page.wait_for_url("**/search/?**")
    expect(page.locator(".search-hit").first).to_be_visible()

    hits = page.locator(".search-hit")
    assert hits.count() >= 1
    first = hits.first
    assert "Tryghed i boligafdelingen" in first.inner_text()
    assert first.locator("mark").count() >= 1
    assert "Tryghed for medlemmer" not in page.content()

    first.locator("h2 a").click()
    expect(page.locator("h1")).to_have_text("Tryghed i boligafdelingen")
    assert page.locator(".publication-files a").count() == 1
    assert page.locator(".related-projects").inner_text().startswith("Tryghed i opgangen")

    with page.expect_download() as download:
        page.locator(".publication-files a").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_search_in_pdf_text_and_narrowing_by_type(page, knowledge):
    page.goto(page.base_url + "/search/?q=opgangsm%C3%B8der")
    assert page.locator(".search-hit").count() == 1  # found in the PDF's text only
    assert "Tryghed i boligafdelingen" in page.locator(".search-hit").inner_text()

    page.goto(page.base_url + "/search/?q=tryghed")
    assert page.locator(".search-hit").count() == 2  # the member-only one stays hidden
    page.locator(".facet-type a", has_text="Projekter").click()
    expect(page.locator(".search-hit")).to_have_count(1)
    assert "Tryghed i opgangen" in page.locator(".search-hit").inner_text()
