import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from members.validators import (
    cvr_is_valid,
    ean_is_valid,
    gs1_check_digit,
    validate_cvr,
    validate_ean,
    validate_logo,
)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_cvr_is_valid_exactly_when_the_weighted_sum_divides_by_eleven(value):
    total = sum(int(d) * w for d, w in zip(value, (2, 7, 6, 5, 4, 3, 2, 1), strict=True))
    assert cvr_is_valid(value) == (total % 11 == 0 and value[0] != "0")


def test_cvr_checksum_rejects_a_changed_digit():
    assert cvr_is_valid("10150817")
    assert not cvr_is_valid("10150818")
    with pytest.raises(ValidationError) as error:
        validate_cvr("10150818")
    assert error.value.code == "cvr_checksum"


@pytest.mark.parametrize("value", ["1234567", "123456789", "1015081A", "１０１５０８１７"])
def test_cvr_must_be_eight_ascii_digits(value):
    with pytest.raises(ValidationError) as error:
        validate_cvr(value)
    assert error.value.code == "cvr_format"


def test_blank_cvr_and_ean_are_allowed():
    validate_cvr("")
    validate_ean("")


def test_ean_check_digit():
    assert ean_is_valid("5798000000001") is (gs1_check_digit("579800000000") == 1)
    assert ean_is_valid("4006381333931")  # a published GS1 example
    assert not ean_is_valid("4006381333932")
    with pytest.raises(ValidationError) as error:
        validate_ean("4006381333932")
    assert error.value.code == "ean_checksum"
    with pytest.raises(ValidationError) as error:
        validate_ean("400638133393")
    assert error.value.code == "ean_format"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_ean_body_has_exactly_one_check_digit(body):
    valid = [d for d in "0123456789" if ean_is_valid(body + d)]
    assert valid == [str(gs1_check_digit(body))]


def _image_file(fmt="PNG", size=(40, 40), name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_real_png_logo_passes():
    validate_logo(_image_file())


def test_a_text_file_named_png_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_logo(SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>"))
    assert error.value.code == "image_format"


def test_an_image_format_not_on_the_list_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_logo(_image_file(fmt="BMP", name="logo.bmp"))
    assert error.value.code == "image_format"


def test_a_logo_over_two_megabytes_is_refused():
    big = SimpleUploadedFile("logo.png", b"0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        validate_logo(big)
    assert error.value.code == "image_too_large"


def test_a_logo_with_huge_dimensions_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_logo(_image_file(size=(4100, 10)))
    assert error.value.code == "image_dimensions"
