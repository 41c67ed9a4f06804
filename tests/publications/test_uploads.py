import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from devtools.factories.publications import PublicationFactory, pdf_bytes
from publications.models import PublicationFile
from publications.services import publication_file_add
from publications.uploads import OLE_SIGNATURE, inspect_upload


def _ooxml(main_part: str, content_type_part: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        part = content_type_part or main_part
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/{part}" ContentType="x"/></Types>',
        )
        archive.writestr(main_part, "<xml/>")
    return buffer.getvalue()


def test_a_real_pdf_is_accepted_with_page_count_and_text():
    facts = inspect_upload(SimpleUploadedFile("rapport.pdf", pdf_bytes("Tryghed og trivsel")))
    assert facts.kind == "pdf"
    assert facts.content_type == "application/pdf"
    assert facts.page_count == 1
    assert "Tryghed og trivsel" in facts.text


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused():
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as error:
        inspect_upload(fake)
    assert error.value.code == "wrong_type"


def test_a_pdf_header_on_garbage_is_refused():
    fake = SimpleUploadedFile("rapport.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(ValidationError) as error:
        inspect_upload(fake)
    assert error.value.code == "bad_pdf"


def test_an_oversize_file_is_refused(settings):
    settings.PUBLICATION_FILE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("stor.pdf", pdf_bytes() + b" " * 2048))
    assert error.value.code == "too_large"


def test_the_default_size_limit_is_25_mb():
    big = SimpleUploadedFile("stor.pdf", b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        inspect_upload(big)
    assert error.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "part", "kind"),
    [
        ("notat.docx", "word/document.xml", "docx"),
        ("budget.xlsx", "xl/workbook.xml", "xlsx"),
        ("slides.pptx", "ppt/presentation.xml", "pptx"),
    ],
)
def test_office_open_xml_files_are_recognised_by_structure(name, part, kind):
    assert inspect_upload(SimpleUploadedFile(name, _ooxml(part))).kind == kind


def test_a_plain_zip_renamed_to_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hej")
    with pytest.raises(ValidationError):
        inspect_upload(SimpleUploadedFile("notat.docx", buffer.getvalue()))


def test_legacy_office_files_need_the_ole_signature():
    assert inspect_upload(SimpleUploadedFile("gammel.doc", OLE_SIGNATURE + b"\0" * 600)).kind in (
        "doc",
        "xls",
        "ppt",
    )
    with pytest.raises(ValidationError):
        inspect_upload(SimpleUploadedFile("gammel.doc", b"just text pretending" * 20))


def test_a_pdf_named_docx_is_refused_as_a_name_mismatch():
    with pytest.raises(ValidationError) as error:
        inspect_upload(SimpleUploadedFile("notat.docx", pdf_bytes()))
    assert error.value.code == "name_mismatch"


@pytest.mark.django_db
def test_the_service_stores_metadata_and_the_text_becomes_searchable():
    publication = PublicationFactory(title="Rapport om beboere")
    row = publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("bilag.pdf", pdf_bytes("Varmepumper i boligafdelingerne", 3)),
        title="Bilag",
    )
    row.refresh_from_db()
    assert (row.kind, row.page_count, row.content_type) == ("pdf", 3, "application/pdf")
    assert row.size > 0 and "Varmepumper" in row.text
    assert not row.file.name.endswith("bilag.pdf")  # stored under a random name
    from search.query import search

    results = search(query="varmepumpe", can_see_member_only=False)
    assert [hit.title for hit in results.hits] == ["Rapport om beboere"]


@pytest.mark.django_db
def test_the_service_refuses_a_fake_pdf_with_a_clear_message():
    publication = PublicationFactory()
    with pytest.raises(ValidationError) as error:
        publication_file_add(
            publication=publication, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 100)
        )
    assert "PDF" in " ".join(error.value.messages)
    assert PublicationFile.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_deleting_a_file_row_removes_the_stored_file():
    publication = PublicationFactory()
    row = publication_file_add(
        publication=publication, upload=SimpleUploadedFile("bilag.pdf", pdf_bytes())
    )
    storage, name = row.file.storage, row.file.name
    assert storage.exists(name)
    row.delete()
    assert not storage.exists(name)
