"""The shared helpers in almennet/: one allow-list for rich text, one image check, one rule
for date periods, one list of regions, and the lazy references and private storage that keep
migrations free of app code."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image

from almennet.html import sanitise_html
from almennet.images import ImageValidator
from almennet.lazy import ByPath
from almennet.periods import period_check, period_includes, period_q
from almennet.regions import Region
from almennet.storage import PrivateFileStorage

RICH = (
    '<h2>Mål</h2><p style="color:red" onclick="x()">Tekst <a href="/events/" target="_blank">'
    'link</a> <a href="javascript:alert(1)">ond</a></p><table><tr><td rowspan="2">1</td></tr>'
    "</table><hr><script>alert(1)</script><img src=x><iframe></iframe>"
)


# --- HTML ------------------------------------------------------------------------------------


def test_sanitise_keeps_formatting_and_drops_the_dangerous():
    clean = sanitise_html(RICH)
    assert clean.startswith("<h2>Mål</h2><p>Tekst ")
    assert '<td rowspan="2">1</td>' in clean and "<hr>" in clean
    for bad in ("style=", "onclick", "javascript:", "<script", "alert(1)", "<img", "<iframe"):
        assert bad not in clean
    assert sanitise_html(None) == "" and sanitise_html("") == ""


def test_sanitise_with_base_url_makes_links_absolute():
    clean = sanitise_html(RICH, base_url="https://almennet.dk")
    assert 'href="https://almennet.dk/events/"' in clean


@pytest.mark.django_db
def test_every_kind_of_rich_text_is_cleaned_by_the_one_allow_list():
    """Events, projects, publications and newsletters store exactly what sanitise_html keeps
    (they had three lists: a table in a newsletter or a rule in a project was lost)."""
    from devtools.factories.events import EventFactory
    from devtools.factories.projects import ProjectFactory
    from devtools.factories.publications import PublicationFactory
    from newsletters.models import Newsletter

    expected = sanitise_html(RICH)
    assert EventFactory(body=RICH).body == expected
    assert ProjectFactory(description=RICH).description == expected
    assert PublicationFactory(body=RICH).body == expected
    newsletter = Newsletter.objects.create(subject="Nyhedsbrev", slug="nyhedsbrev", body=RICH)
    assert newsletter.body == expected


# --- images ----------------------------------------------------------------------------------


def _image(fmt="PNG", size=(40, 30), name="billede.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def _code(validator, upload) -> str:
    with pytest.raises(ValidationError) as error:
        validator(upload)
    return error.value.code


def test_image_check_by_content_and_limits(settings):
    ImageValidator()(_image(name="forside.jpg"))  # the name does not matter, the bytes do
    assert _code(ImageValidator(), _image(fmt="BMP")) == "image_format"
    assert _code(ImageValidator(), SimpleUploadedFile("x.png", b"<svg/>")) == "image_format"
    broken = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    assert _code(ImageValidator(), broken) == "image_damaged"
    assert _code(ImageValidator(max_side=39), _image()) == "image_dimensions"
    assert _code(ImageValidator(max_bytes=10), _image()) == "image_too_large"
    settings.IMAGE_UPLOAD_MAX_BYTES = 10
    assert _code(ImageValidator(), _image()) == "image_too_large"


def test_the_upload_position_is_left_where_it_was():
    upload = _image()
    upload.seek(5)
    ImageValidator()(upload)
    assert upload.tell() == 5


def test_every_image_field_uses_the_one_image_check():
    from django.apps import apps

    image_fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ImageField)
    ]
    assert {f"{f.model._meta.label}.{f.name}" for f in image_fields} >= {
        "members.Organisation.logo",
        "projects.ProjectImage.image",
        "publications.Publication.cover_image",
    }
    for field in image_fields:
        checks = [v for v in field.validators if isinstance(v, ImageValidator)]
        assert len(checks) == 1, field
    from members.models import Organisation

    logo = Organisation._meta.get_field("logo")
    assert ImageValidator(max_bytes=2 * 1024 * 1024, max_side=4000) in logo.validators


# --- periods ---------------------------------------------------------------------------------

START, END = datetime.date(2024, 4, 18), datetime.date(2026, 4, 17)
DAYS = [
    datetime.date(2024, 4, 17),
    START,
    datetime.date(2025, 1, 1),
    END,
    datetime.date(2026, 4, 18),
]


@pytest.mark.django_db
@pytest.mark.parametrize("on", DAYS)
def test_the_period_rule_is_the_same_in_python_and_in_sql(on):
    from devtools.factories.members import SeatFactory
    from members.models import Seat

    closed = SeatFactory(starts_on=START, ends_on=END)
    open_ended = SeatFactory(body=Seat.Body.ADVISORY, starts_on=START, ends_on=None)
    in_sql = set(Seat.objects.filter(period_q(on)).values_list("pk", flat=True))
    in_python = {s.pk for s in (closed, open_ended) if period_includes(s.starts_on, s.ends_on, on)}
    assert in_sql == in_python
    assert set(Seat.objects.current(on).values_list("pk", flat=True)) == in_python
    assert (closed.pk in in_python) == (START <= on <= END)
    assert (open_ended.pk in in_python) == (on >= START)


def test_period_without_a_start_never_runs():
    assert not period_includes(None, None, START)


def test_period_check_names_the_end_field_and_the_start():
    period_check(START, END, "ends before %(start)s")
    period_check(START, None, "ends before %(start)s")
    with pytest.raises(ValidationError) as error:
        period_check(END, START, "ends before %(start)s", end="member_until")
    assert error.value.message_dict == {"member_until": ["ends before 2026-04-17"]}


@pytest.mark.django_db
def test_affiliation_and_seat_keep_their_own_messages():
    from members.models import Affiliation, Seat

    with pytest.raises(ValidationError, match="Tilknytningen kan ikke slutte"):
        Affiliation(starts_on=END, ends_on=START).clean()
    with pytest.raises(ValidationError, match="Pladsen kan ikke slutte"):
        Seat(starts_on=END, ends_on=START).clean()


# --- regions ---------------------------------------------------------------------------------


def test_organisations_and_events_offer_the_one_list_of_regions():
    from events.models import Event
    from members.models import Organisation

    assert Organisation.Region is Region
    assert list(Event._meta.get_field("region").choices) == list(Region.choices)
    assert list(Organisation._meta.get_field("region").choices) == list(Region.choices)
    assert len(Region.choices) == 5


# --- what migrations name ----------------------------------------------------------------------


def test_by_path_imports_only_when_called_and_deconstructs_to_the_text():
    missing = ByPath("no_such_app.validators.check")  # nothing is imported yet
    with pytest.raises(ImportError):
        missing("x")
    cvr = ByPath("members.validators.validate_cvr")
    cvr("")  # empty is allowed
    with pytest.raises(ValidationError):
        cvr("12345678")
    assert cvr.deconstruct() == ("almennet.lazy.ByPath", ("members.validators.validate_cvr",), {})
    assert cvr == ByPath("members.validators.validate_cvr") != missing


def test_private_storage_follows_the_setting(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    storage = PrivateFileStorage()
    assert storage.location == str(tmp_path / "private")
    assert storage.base_url is None
