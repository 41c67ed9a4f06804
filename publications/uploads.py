"""What an attached file really is, read from its bytes: a PDF that pypdf can parse, an
Office Open XML file (docx, xlsx, pptx) with the right zip structure, or a legacy Office file
(doc, xls, ppt) with the OLE signature. The name an upload claims is never trusted."""

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
MAX_TEXT_PAGES = 300
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The part each Office Open XML file must hold, besides [Content_Types].xml.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
LEGACY_BY_SUFFIX = {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}
# A zip that unpacks to more than this is refused (a zip bomb is not a document).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000


@dataclass(frozen=True)
class FileFacts:
    kind: str
    content_type: str
    size: int
    page_count: int | None = None
    text: str = ""


def max_upload_bytes() -> int:
    return getattr(settings, "PUBLICATION_FILE_MAX_BYTES", DEFAULT_MAX_BYTES)


def validate_publication_file(upload) -> None:
    """Field validator: raises ValidationError unless the upload is an accepted document."""
    if getattr(upload, "_committed", False):
        # An already stored file, validated again when its form is saved: checked on upload.
        return
    # Kept on the file object so that saving it does not read the content a second time.
    upload.checked_facts = inspect_upload(upload)


def inspect_upload(upload) -> FileFacts:
    size = upload.size
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s MB; at most %(limit)s MB is allowed.")
            % {"size": round(size / 1024 / 1024, 1), "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    suffix = Path(getattr(upload, "name", "") or "").suffix.lower()

    if data.startswith(b"%PDF-"):
        facts = _inspect_pdf(data)
    elif data.startswith(b"PK\x03\x04"):
        facts = _inspect_ooxml(data)
    elif data.startswith(OLE_SIGNATURE):
        facts = _inspect_ole(data, suffix)
    else:
        guessed = filetype.guess(data[:8192])
        what = guessed.mime if guessed else _("an unknown type")
        raise ValidationError(
            _(
                "The file is not a PDF or Office document (its content is %(what)s), "
                "whatever its name says."
            )
            % {"what": what},
            code="wrong_type",
        )
    if suffix and suffix.lstrip(".") in CONTENT_TYPES and suffix.lstrip(".") != facts.kind:
        raise ValidationError(
            _("The file is named %(suffix)s but its content is %(kind)s.")
            % {"suffix": suffix, "kind": facts.kind.upper()},
            code="name_mismatch",
        )
    return FileFacts(
        kind=facts.kind,
        content_type=CONTENT_TYPES[facts.kind],
        size=size,
        page_count=facts.page_count,
        text=facts.text,
    )


def _inspect_pdf(data: bytes) -> FileFacts:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    guessed = filetype.guess(data[:8192])
    if guessed is None or guessed.extension != "pdf":
        raise ValidationError(_("The file is not a valid PDF."), code="bad_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("The PDF is password protected; upload it without a password."),
                code="encrypted_pdf",
            )
        page_count = len(reader.pages)
        if page_count == 0:
            raise ValidationError(_("The PDF has no pages."), code="bad_pdf")
        text = _pdf_text(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValidationError(
            _("The PDF is damaged and cannot be read."), code="bad_pdf"
        ) from error
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on hostile input
        logger.info("PDF rejected: %s", error)
        raise ValidationError(
            _("The PDF is damaged and cannot be read."), code="bad_pdf"
        ) from error
    return FileFacts(kind="pdf", content_type="", size=0, page_count=page_count, text=text)


def _pdf_text(reader) -> str:
    """The text of the first pages, for search; a page whose text cannot be read is skipped."""
    parts: list[str] = []
    total = 0
    for page in reader.pages[:MAX_TEXT_PAGES]:
        try:
            chunk = page.extract_text() or ""
        except Exception:  # noqa: BLE001, S112 - a page without readable text adds nothing
            continue
        parts.append(chunk)
        total += len(chunk)
        if total >= MAX_TEXT_CHARS:
            break
    return clean_text("\n".join(parts))[:MAX_TEXT_CHARS]


def clean_text(text: str) -> str:
    """No NUL bytes (PostgreSQL refuses them) and no runs of blank space."""
    text = text.replace("\x00", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _inspect_ooxml(data: bytes) -> FileFacts:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ValidationError(_("The document has too many parts."), code="bad_office")
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise ValidationError(_("The document unpacks too large."), code="bad_office")
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names:
                raise ValidationError(
                    _("The file is a zip archive, not an Office document."), code="bad_office"
                )
            content_types = archive.read("[Content_Types].xml")[:200_000]
    except zipfile.BadZipFile as error:
        raise ValidationError(_("The Office document is damaged."), code="bad_office") from error
    for kind, part in OOXML_MAIN_PART.items():
        if part in names and f"/{part}".encode() in content_types:
            guessed = filetype.guess(data[:8192])
            if guessed is not None and guessed.extension not in (kind, "zip"):
                break
            return FileFacts(kind=kind, content_type="", size=0)
    raise ValidationError(
        _("The file is a zip archive, not a Word, Excel or PowerPoint document."),
        code="bad_office",
    )


def _inspect_ole(data: bytes, suffix: str) -> FileFacts:
    """Legacy Office files share one container format; filetype tells them apart where it
    can, else the name decides among the three (the content is an Office file either way)."""
    guessed = filetype.guess(data[:8192])
    if guessed is not None and guessed.extension in ("doc", "xls", "ppt"):
        return FileFacts(kind=guessed.extension, content_type="", size=0)
    kind = LEGACY_BY_SUFFIX.get(suffix)
    if kind is None:
        raise ValidationError(
            _("The file is an old Office file; name it .doc, .xls or .ppt."), code="bad_office"
        )
    return FileFacts(kind=kind, content_type="", size=0)
