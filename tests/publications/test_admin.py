import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devtools.factories.members import OrganisationFactory, UserFactory
from devtools.factories.projects import ParticipantFactory, ProjectFactory
from devtools.factories.publications import PublicationFactory, TagFactory, pdf_bytes
from projects.models import Project
from publications.models import Publication
from publications.services import publication_file_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


def test_admin_pages_render_with_inlines_history_and_preview(staff_client):
    project = ProjectFactory(is_published=False)
    ParticipantFactory(project=project)
    publication = PublicationFactory(is_published=False)
    publication_file_add(
        publication=publication, upload=SimpleUploadedFile("bilag.pdf", pdf_bytes("Bilag"))
    )
    for url in [
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_history", args=[project.pk]),
        reverse("admin:publications_publication_changelist"),
        reverse("admin:publications_publication_change", args=[publication.pk]),
        reverse("admin:publications_publication_add"),
        reverse("admin:publications_publication_history", args=[publication.pk]),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
    change = staff_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert project.get_absolute_url() in change.content.decode()  # the preview link
    assert staff_client.get(project.get_absolute_url()).status_code == 200


def test_autocomplete_for_organisations_and_tags(staff_client):
    OrganisationFactory(name="Boligselskabet Åkanden")
    TagFactory(name="Klimatilpasning", slug="klimatilpasning")
    for model, term, expected in [
        ("organisations", "Åkanden", "Boligselskabet Åkanden"),
        ("tags", "klima", "Klimatilpasning"),
    ]:
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "publications",
                "model_name": "publication",
                "field_name": model,
                "term": term,
            },
        )
        assert response.status_code == 200
        assert expected in [row["text"] for row in response.json()["results"]]


def test_admin_upload_of_a_fake_pdf_is_refused_and_a_real_one_accepted(staff_client, settings):
    publication = PublicationFactory()
    url = reverse("admin:publications_publication_change", args=[publication.pk])
    form = {
        "title": publication.title,
        "slug": publication.slug,
        "kind": "report",
        "summary": "",
        "body": "",
        "authors": "",
        "cover_alt_text": "",
        "published_on": "2025-03-01",
        "is_published": "on",
        "files-TOTAL_FORMS": "1",
        "files-INITIAL_FORMS": "0",
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": "1000",
        "files-0-title": "Bilag",
        "files-0-position": "0",
    }
    fake = SimpleUploadedFile("bilag.pdf", b"GIF89a not a pdf at all" * 10)
    response = staff_client.post(url, {**form, "files-0-file": fake})
    assert response.status_code == 200  # the form again, with the error
    assert "PDF" in response.content.decode()
    assert publication.files.count() == 0
    real = SimpleUploadedFile("bilag.pdf", pdf_bytes("Bilag om tryghed", 2))
    response = staff_client.post(url, {**form, "files-0-file": real})
    assert response.status_code == 302
    stored = publication.files.get()
    assert (stored.kind, stored.page_count) == ("pdf", 2)


def test_publish_actions_go_through_the_workflow(staff_client):
    project = ProjectFactory(is_published=False)
    publication = PublicationFactory(is_published=False)
    staff_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "publish", "_selected_action": [project.pk]},
    )
    staff_client.post(
        reverse("admin:publications_publication_changelist"),
        {"action": "publish", "_selected_action": [publication.pk]},
    )
    assert Project.objects.get(pk=project.pk).is_published
    assert Publication.objects.get(pk=publication.pk).is_published
    assert Publication.history.filter(id=publication.pk).count() >= 2


def test_the_change_page_names_a_private_file_without_a_public_address(staff_client):
    publication = PublicationFactory()
    row = publication_file_add(
        publication=publication, upload=SimpleUploadedFile("bilag.pdf", pdf_bytes("Bilag"))
    )
    response = staff_client.get(
        reverse("admin:publications_publication_change", args=[publication.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert row.file.name[-40:] in content
    assert "/media/" + row.file.name not in content
