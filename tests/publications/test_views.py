import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories.members import (
    OrganisationFactory,
    UserFactory,
    member_user,
    staff_with_totp,
)
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory, TagFactory, pdf_bytes
from publications.models import PublicationFile
from publications.services import publication_file_add

pytestmark = pytest.mark.django_db


def _with_file(publication, *, member_only=False):
    return publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("rapport.pdf", pdf_bytes("Indhold")),
        is_member_only=member_only,
    )


def test_list_shows_published_public_publications_only(client):
    PublicationFactory(title="Offentlig rapport")
    PublicationFactory(title="Kladde", is_published=False)
    PublicationFactory(title="Kun for medlemmer", is_member_only=True)
    response = client.get(reverse("publications:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Offentlig rapport" in content
    assert "Kladde" not in content and "Kun for medlemmer" not in content


def test_members_see_member_only_publications_in_the_list(client):
    PublicationFactory(title="Kun for medlemmer", is_member_only=True)
    client.force_login(member_user())
    assert "Kun for medlemmer" in client.get(reverse("publications:list")).content.decode()


def test_list_filters_by_kind_tag_and_year(client):
    tag = TagFactory(name="Energi", slug="energi")
    guide = PublicationFactory(title="Guide til energi", kind="guide")
    guide.tags.add(tag)
    PublicationFactory(title="Rapport om tryghed", kind="report")
    url = reverse("publications:list")
    assert "Rapport om tryghed" not in client.get(url, {"kind": "guide"}).content.decode()
    assert "Guide til energi" in client.get(url, {"tag": "energi"}).content.decode()
    assert "Guide til energi" not in client.get(url, {"year": "1999"}).content.decode()
    # Malformed filters are a normal page, not an error.
    assert client.get(url, {"year": "abc", "kind": "<x>", "sort": "nope"}).status_code == 200


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_publication_list_query_count_does_not_grow_with_rows(client):
    organisation = OrganisationFactory()
    tag = TagFactory()
    for _ in range(3):
        publication = PublicationFactory()
        publication.organisations.add(organisation)
        publication.tags.add(tag)
    few = _list_queries(client, reverse("publications:list"))
    for _ in range(25):
        publication = PublicationFactory()
        publication.organisations.add(OrganisationFactory())
        publication.tags.add(TagFactory())
    many = _list_queries(client, reverse("publications:list"))
    assert few == many, f"{few} queries for 3 rows, {many} for 28"


def test_detail_shows_files_and_related_content_both_ways(client):
    project = ProjectFactory(title="Grøn renovering")
    publication = PublicationFactory(title="Erfaringer med grøn renovering")
    publication.projects.add(project)
    _with_file(publication)
    response = client.get(publication.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Grøn renovering" in content
    assert (
        reverse("publications:download", args=[publication.slug, publication.files.get().pk])
        in content
    )
    # And the project shows the publication as its output, without a second link.
    assert (
        "Erfaringer med grøn renovering" in client.get(project.get_absolute_url()).content.decode()
    )


def test_member_only_publication_asks_visitors_to_log_in_and_refuses_non_members(client):
    publication = PublicationFactory(title="Hemmelig analyse", is_member_only=True)
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 403
    assert "Hemmelig analyse" not in response.content.decode()
    client.force_login(member_user())
    assert client.get(publication.get_absolute_url()).status_code == 200


def test_unpublished_publication_is_404_except_as_staff_preview(client):
    publication = PublicationFactory(title="Udkast", is_published=False)
    assert client.get(publication.get_absolute_url()).status_code == 404
    client.force_login(staff_with_totp())
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    assert "preview-banner" in response.content.decode()


def test_download_counts_and_serves_an_attachment_with_a_safe_type(client):
    publication = PublicationFactory()
    row = _with_file(publication)
    url = reverse("publications:download", args=[publication.slug, row.pk])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    row.refresh_from_db()
    assert row.download_count == 2


def test_member_only_file_is_refused_to_non_members_and_not_counted(client):
    publication = PublicationFactory()
    row = _with_file(publication, member_only=True)
    url = reverse("publications:download", args=[publication.slug, row.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert url not in client.get(publication.get_absolute_url()).content.decode()
    row.refresh_from_db()
    assert row.download_count == 0
    client.force_login(member_user())
    assert client.get(url).status_code == 200


def test_a_file_of_another_publication_or_an_unpublished_one_is_404(client):
    row = _with_file(PublicationFactory())
    other = PublicationFactory()
    assert (
        client.get(reverse("publications:download", args=[other.slug, row.pk])).status_code == 404
    )
    draft = PublicationFactory(is_published=False)
    draft_row = _with_file(draft)
    url = reverse("publications:download", args=[draft.slug, draft_row.pk])
    assert client.get(url).status_code == 404
    assert PublicationFile.objects.get(pk=draft_row.pk).download_count == 0


def test_body_html_is_sanitised_on_save(client):
    publication = PublicationFactory(
        body='<p onclick="x()">Tekst</p><script>alert(1)</script><a href="javascript:x">l</a>'
    )
    publication.refresh_from_db()
    assert "<script" not in publication.body and "onclick" not in publication.body
    assert "javascript:" not in publication.body
    assert "<p>Tekst</p>" in publication.body


@pytest.mark.parametrize("value", ["-1", "0", "99999999999999999999999999", "²³¹", "1e3", "2025.5"])
def test_list_filters_shrug_off_odd_numbers(client, value):
    PublicationFactory(title="Stadig her")
    params = {"year": value, "page": value, "kind": value, "sort": value, "q": value}
    response = client.get(reverse("publications:list"), params)
    assert response.status_code == 200
    response = client.get(reverse("projects:list"), {**params, "owner": value, "partner": value})
    assert response.status_code == 200
    response = client.get(reverse("search"), {**params, "focus": value, "org": value})
    assert response.status_code == 200
