import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from almennet.html import sanitise_html
from almennet.images import validate_image


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_real_image_is_accepted_whatever_its_name():
    validate_image(SimpleUploadedFile("foto.jpg", _png()))


@pytest.mark.parametrize(
    "content",
    [b"<svg onload=alert(1)></svg>", b"%PDF-1.4 not an image", b"\x89PNG\r\n\x1a\n broken"],
)
def test_anything_else_named_as_an_image_is_refused(content):
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("foto.png", content))


def test_an_oversize_image_is_refused(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("foto.png", _png() + b"\0" * 200))


def test_sanitise_keeps_formatting_and_drops_the_dangerous():
    html = (
        '<h2>Mål</h2><p style="color:red">Tekst <a href="https://example.dk" '
        'onclick="x()">link</a> <a href="javascript:alert(1)">ond</a></p><iframe src="x"></iframe>'
    )
    clean = sanitise_html(html)
    assert "<h2>Mål</h2>" in clean and 'href="https://example.dk"' in clean
    for bad in ("style=", "onclick", "javascript:", "<iframe"):
        assert bad not in clean
