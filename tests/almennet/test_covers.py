"""Cover images of events, projects and publications (almennet/templatetags/covers.py): staff
upload them in the admin with a required description, pages serve them in responsive sizes made
by sorl-thumbnail, and an item without one (or whose file is gone) shows its kind's pattern."""

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image
from sorl.thumbnail import default as sorl_default

from devtools.factories.events import EventFactory
from devtools.factories.members import UserFactory
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from events.models import Event
from projects.models import Project
from publications.models import Publication
from tests.events.test_admin import _event_post_data

pytestmark = pytest.mark.django_db

SRCSET = re.compile(r'<img class="cover[^"]*" src="([^"]+)" srcset="([^"]+)"[^>]*>')


def image_upload(width=1600, height=900, name="forside.png", kind="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (31, 95, 74)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


@pytest.fixture(autouse=True)
def _thumbnail_storage():
    """sorl keeps the storage it first resolved; each test gets the one of its settings."""
    from django.utils.functional import empty

    sorl_default.storage._wrapped = empty
    yield
    sorl_default.storage._wrapped = empty


@pytest.fixture
def staff_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


def _covers(html: str) -> list[tuple[str, dict[int, str]]]:
    found = []
    for src, srcset in SRCSET.findall(html):
        sizes = {}
        for part in srcset.split(", "):
            url, width = part.rsplit(" ", 1)
            sizes[int(width.rstrip("w"))] = url
        found.append((src, sizes))
    return found


def test_an_events_cover_comes_in_three_sizes_with_its_description(client):
    event = EventFactory(
        cover_image=image_upload(), cover_alt_text="Beboere planter træer i gården"
    )
    html = client.get(event.get_absolute_url()).content.decode()
    [(src, sizes)] = _covers(html)
    assert sorted(sizes) == [480, 800, 1200]
    assert src == sizes[800]
    assert 'alt="Beboere planter træer i gården"' in html
    assert 'width="800" height="450"' in html
    for url in sizes.values():
        name = url.removeprefix("/media/")
        assert default_storage.exists(name)
        with default_storage.open(name) as file, Image.open(file) as image:
            assert image.format == "WEBP"
    assert "cover-fallback" not in html


def test_a_small_cover_is_not_blown_up(client):
    project = ProjectFactory(
        is_published=True, cover_image=image_upload(600, 338), cover_alt_text="Et lille billede"
    )
    html = client.get(project.get_absolute_url()).content.decode()
    [(_src, sizes)] = _covers(html)
    assert max(sizes) <= 600
    assert 480 in sizes


@pytest.mark.parametrize(
    ("kind", "make", "list_name"),
    [
        ("event", lambda: EventFactory(), "events:list"),
        ("project", lambda: ProjectFactory(is_published=True), "projects:list"),
        ("publication", lambda: PublicationFactory(is_published=True), "publications:list"),
    ],
)
def test_an_item_without_a_cover_shows_its_kinds_pattern(client, kind, make, list_name):
    item = make()
    for url in (item.get_absolute_url(), reverse(list_name)):
        html = client.get(url).content.decode()
        assert f"cover-fallback-{kind}" in html, url
        assert '<img class="cover' not in html, url
        assert item.title in html


def test_a_cover_whose_file_is_gone_falls_back_instead_of_a_broken_image(client):
    publication = PublicationFactory(
        is_published=True, cover_image=image_upload(), cover_alt_text="Rapportens forside"
    )
    default_storage.delete(publication.cover_image.name)
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "cover-fallback-publication" in html
    assert publication.cover_image.name not in html


@pytest.mark.parametrize("model", [Event, Project, Publication])
def test_a_cover_without_a_description_is_refused_by_the_model_and_the_database(model):
    factory = {Event: EventFactory, Project: ProjectFactory, Publication: PublicationFactory}
    item = factory[model]()
    item.cover_image = image_upload()
    item.cover_alt_text = "  "
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert "cover_alt_text" in raised.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        model.objects.filter(pk=item.pk).update(cover_image="x/forside.png", cover_alt_text="")


def test_staff_upload_an_event_cover_in_the_admin_and_must_describe_it(staff_client):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    response = staff_client.post(url, _event_post_data(event, cover_image=image_upload()))
    assert response.status_code == 200
    assert "cover_alt_text" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert not event.cover_image

    response = staff_client.post(
        url,
        _event_post_data(event, cover_image=image_upload(), cover_alt_text="Salen før mødet"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.cover_image.name.startswith("events/covers/")
    assert event.cover_alt_text == "Salen før mødet"


def test_the_admin_refuses_a_cover_that_is_not_an_image(staff_client):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    fake = SimpleUploadedFile("forside.png", b"<script>alert(1)</script>", "image/png")
    response = staff_client.post(
        url, _event_post_data(event, cover_image=fake, cover_alt_text="Noget")
    )
    assert response.status_code == 200
    assert "cover_image" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert not event.cover_image


def test_the_project_admin_takes_a_cover(staff_client):
    project = ProjectFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list) and name != "cover_image"
    }
    for inline in ("participants", "milestones", "images"):
        data |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    data |= {"owner": project.owner_id, "cover_image": image_upload(), "cover_alt_text": ""}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "cover_alt_text" in response.context["adminform"].form.errors
    data |= {"cover_image": image_upload(), "cover_alt_text": "Byggepladsen i foråret"}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.cover_image.name.startswith("projects/covers/")


def test_a_list_of_covered_items_costs_the_same_queries_however_long(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client.get(reverse("projects:list"))  # the first view makes and remembers the sizes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("projects:list")).status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        ProjectFactory(is_published=True, cover_image=image_upload(), cover_alt_text=f"Nr. {n}")
    two = queries()
    for n in range(2, 6):
        ProjectFactory(is_published=True, cover_image=image_upload(), cover_alt_text=f"Nr. {n}")
    assert queries() == two
