"""Attachments: checked by size, extension and content; HTML and SVG refused; always served
as a download to people who may read the meeting, charter or proposal."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from saan.forums import services
from saan.forums.models import Attachment
from saan.forums.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def meeting(cast: Any, wg: Any) -> Any:
    return make_meeting(cast, wg, dt.date(2026, 3, 2))


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("รายงานการประชุม.pdf", PDF, "pdf"),
        ("ภาพ.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        ("ภาพ.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpeg"),
        ("สรุป.txt", "สรุปการประชุม ครั้งที่ 1/2569\n".encode(), "txt"),
        ("รายชื่อ.csv", "ชื่อ,องค์กร\nสมชาย,พอช.\n".encode("cp874"), "csv"),
        ("บันทึก.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "docx"),
        ("งบ.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}), "xlsx"),
        ("ธรรมนูญ.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
    ],
)
def test_accepted_types(cast: Any, meeting: Any, name: str, data: bytes, kind: str) -> None:
    a = services.attachment_add(actor=cast.coordinator, parent=meeting, upload=_upload(name, data))
    assert (a.kind, a.size, a.filename) == (kind, len(data), name)
    assert a.file.name.startswith("forums/") and name not in a.file.name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("หน้าเว็บ.html", b"<html><script>alert(1)</script></html>", "HTML หรือ SVG"),
        ("โลโก้.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "HTML หรือ SVG"),
        ("แฝง.txt", b"<!DOCTYPE html><html><body>x</body></html>", "HTML หรือ SVG"),
        ("แฝง.pdf", b"  <svg onload=alert(1)>", "HTML หรือ SVG"),
        ("โปรแกรม.exe", b"MZ\x90\x00", "รับเฉพาะไฟล์"),
        ("ไม่มีนามสกุล", PDF, "รับเฉพาะไฟล์"),
        ("ปลอม.pdf", b"just text pretending", "ไม่ตรงกับนามสกุล"),
        ("ปลอม.docx", _zip({"hello.txt": b"hi"}), "ไม่ตรงกับนามสกุล"),
        ("ปลอม.png", PDF, "ไม่ตรงกับนามสกุล"),
        ("ว่าง.txt", b"", "ว่างเปล่า"),
    ],
)
def test_refused_with_a_thai_message(
    cast: Any, meeting: Any, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=cast.coordinator, parent=meeting, upload=_upload(name, data))
    assert message in " ".join(exc.value.messages)
    assert not Attachment.objects.exists()


def test_too_large(cast: Any, meeting: Any, settings: Any, media: Path) -> None:
    settings.SAAN_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            actor=cast.coordinator, parent=meeting, upload=_upload("ใหญ่.pdf", PDF + b"0" * 1024)
        )
    assert "ใหญ่เกินกำหนด" in exc.value.messages[0]
    assert not Attachment.objects.exists() and not list(media.rglob("*.pdf"))


def test_default_limit_is_ten_megabytes(cast: Any, meeting: Any) -> None:
    big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=cast.coordinator, parent=meeting, upload=_upload("a.pdf", big)
        )


def test_only_people_who_run_it_attach(cast: Any, meeting: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=cast.somchai, parent=meeting, upload=_upload("a.pdf", PDF))


def test_served_as_a_download_never_inline(
    cast: Any, meeting: Any, private_wg: Any, client: Any
) -> None:
    a = services.attachment_add(
        actor=cast.coordinator, parent=meeting, upload=_upload("รายงาน ครั้งที่ 1.pdf", PDF)
    )
    response = client.get(f"/forums/attachments/{a.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    hidden = make_meeting(cast, private_wg, dt.date(2026, 3, 2))
    secret = services.attachment_add(
        actor=cast.coordinator, parent=hidden, upload=_upload("ภายใน.pdf", PDF)
    )
    assert client.get(f"/forums/attachments/{secret.pk}/").status_code == 404
    client.force_login(cast.trat)
    assert client.get(f"/forums/attachments/{secret.pk}/").status_code == 404
    client.force_login(cast.somchai)
    assert client.get(f"/forums/attachments/{secret.pk}/").status_code == 200


def test_upload_through_the_page_and_remove(cast: Any, meeting: Any, client: Any) -> None:
    client.force_login(cast.coordinator)
    response = client.post(
        f"/forums/meetings/{meeting.pk}/attachments/",
        {"file": _upload("x.html", b"<html></html>"), "title": "หน้าเว็บ"},
        follow=True,
    )
    assert "ไม่รับไฟล์ HTML หรือ SVG" in response.content.decode()
    client.post(
        f"/forums/meetings/{meeting.pk}/attachments/",
        {"file": _upload("รายงาน.pdf", PDF), "title": "รายงานการประชุม"},
    )
    a = Attachment.objects.get()
    assert a.title == "รายงานการประชุม" and a.meeting == meeting
    stored = Path(a.file.path)
    assert stored.exists()
    client.post(f"/forums/attachments/{a.pk}/remove/")
    assert not Attachment.objects.exists()
