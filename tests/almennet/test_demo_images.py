"""The demo's cover images are drawn with Pillow (devtools/demo/images.py), pass the portal's own
image check, carry a description, leave some items to the fallback, and are not drawn twice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from almennet.images import validate_image
from devtools.demo import images
from devtools.factories.events import EventFactory
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from events.models import Event
from projects.models import Project
from publications.models import Publication

pytestmark = pytest.mark.django_db


def test_demo_covers_are_drawn_checked_described_and_not_drawn_twice():
    for n in range(4):
        EventFactory(slug=f"demo-arrangement-{n}")
        ProjectFactory(slug=f"demo-projekt-{n}")
        PublicationFactory(slug=f"demo-udgivelse-{n}")
    out = io.StringIO()
    images.seed(stdout=out)
    assert "9 drawn" in out.getvalue()
    for model in (Event, Project, Publication):
        covered = model.objects.exclude(cover_image="")
        assert covered.count() == 3
        assert model.objects.filter(cover_image="").count() == 1  # the fallback shows too
        for item in covered:
            item.full_clean()
            assert item.cover_alt_text.endswith("(demobillede)")
            data = item.cover_image.read()
            validate_image(SimpleUploadedFile("x.jpg", data))
            with Image.open(io.BytesIO(data)) as picture:
                assert picture.size == images.SIZE
    names = set(Event.objects.values_list("cover_image", flat=True))
    again = io.StringIO()
    images.seed(stdout=again)
    assert "0 drawn" in again.getvalue()
    assert set(Event.objects.values_list("cover_image", flat=True)) == names


def test_each_item_gets_its_own_picture():
    first, second = images.housing_blocks("a"), images.housing_blocks("b")
    assert first.tobytes() != second.tobytes()
    assert images.housing_blocks("a").tobytes() == first.tobytes()
