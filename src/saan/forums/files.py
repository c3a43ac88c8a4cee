"""What may be attached to a meeting, charter or proposal, decided by the file's name AND its
content: PDF, DOCX, XLSX, ODT, PNG, JPEG, plain text and CSV, up to
``settings.SAAN_ATTACHMENT_MAX_BYTES`` (10 MB unless set). HTML and SVG are refused outright:
a browser runs the scripts inside them, and a file served from this site would run with the
site's rights. Files are always served as downloads with the type decided here, never the type
the uploader's browser claimed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# kind → (extensions, the Content-Type it is served with)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": (
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": ((".odt",), "application/vnd.oasis.opendocument.text"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "txt": ((".txt",), "text/plain; charset=utf-8"),
    "csv": ((".csv",), "text/csv; charset=utf-8"),
}
MARKUP_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".mht"}
# What a browser would treat as a page or an image with scripts, looked for at the start.
MARKUP_SIGNS = (b"<!doctype html", b"<html", b"<svg", b"<script", b"<?xml", b"<head", b"<body")

_ZIP = b"PK\x03\x04"


def max_bytes() -> int:
    return int(getattr(settings, "SAAN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def content_type(kind: str) -> str:
    return KINDS[kind][1] if kind in KINDS else "application/octet-stream"


def _kind_by_name(name: str) -> str | None:
    suffix = PurePosixPath(name).suffix.lower()
    for kind, (extensions, _type) in KINDS.items():
        if suffix in extensions:
            return kind
    return None


def _markup_refused() -> ValidationError:
    return ValidationError(
        _("ไม่รับไฟล์ HTML หรือ SVG เพราะอาจมีสคริปต์ที่เป็นอันตรายต่อผู้เปิดอ่าน กรุณาบันทึกเป็น PDF แล้วแนบใหม่"),
        code="markup",
    )


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(sign in text[:1024] for sign in MARKUP_SIGNS)


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _odt_mimetype(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp874"):  # Thai text from older Windows is cp874 (TIS-620)
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _content_matches(kind: str, data: bytes) -> bool:
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if kind in ("docx", "xlsx"):
        names = _zip_names(data) if data.startswith(_ZIP) else None
        part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        return names is not None and "[Content_Types].xml" in names and part in names
    if kind == "odt":
        return data.startswith(_ZIP) and _odt_mimetype(data) == content_type("odt")
    if kind in ("txt", "csv"):
        return _is_text(data)
    return False


def check_upload(upload: Any) -> tuple[str, int, bytes]:
    """(kind, size, content) of an acceptable upload; a ``ValidationError`` with a Thai message
    for anything else. Reads at most one byte more than the limit."""
    name = str(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    limit = max_bytes()
    too_big = ValidationError(
        _("ไฟล์ใหญ่เกินกำหนด (ไม่เกิน %(mb)s MB)") % {"mb": f"{limit / 1024 / 1024:g}"},
        code="too_large",
    )
    if size is not None and size > limit:
        raise too_big
    if PurePosixPath(name).suffix.lower() in MARKUP_EXTENSIONS:
        raise _markup_refused()
    kind = _kind_by_name(name)
    if kind is None:
        raise ValidationError(
            _("รับเฉพาะไฟล์ PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT และ CSV"), code="type"
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError(_("ไฟล์ว่างเปล่า"), code="empty")
    if _looks_like_markup(data[:2048]):
        raise _markup_refused()
    if not _content_matches(kind, data):
        raise ValidationError(
            _("เนื้อหาของไฟล์ไม่ตรงกับนามสกุล .%(ext)s กรุณาตรวจสอบไฟล์")
            % {"ext": PurePosixPath(name).suffix.lower().lstrip(".")},
            code="mismatch",
        )
    return kind, len(data), data


def download(attachment: Any) -> FileResponse:
    """An uploaded file (anything with ``file``, ``filename`` and ``kind``) as a download with the
    type decided on upload: never shown inline, never sniffed, sandboxed; 404 when the stored
    file is gone."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=content_type(attachment.kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
