"""The import pages as people use them, and the background path large files take."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.projects import tasks
from saan.projects.importing import plan
from saan.projects.models import ImportBatch, ImportRow, ImportStatus, Project
from saan.projects.tests.test_import import messy_workbook
from saan.projects.tests.test_import_files import OLE

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def text(response: Any) -> str:
    return response.content.decode()


def upload(client: Any, data: bytes, name: str = "codi.xlsx", owner: str = "พอช.") -> Any:
    return client.post(
        "/projects/import/", {"owner": org(owner).pk, "file": SimpleUploadedFile(name, data)}
    )


def confirm_columns(client: Any, batch: ImportBatch) -> Any:
    form = {"header_row": batch.header_row, "sheet": batch.sheet_name}
    form.update({f"col_{c}": f for c, f in batch.mapping.items()})
    return client.post(f"/projects/import/{batch.pk}/columns/", form)


def test_the_whole_import_by_hand_upload_columns_preview_commit_report(client, cast):
    client.force_login(cast.somchai)
    page = text(client.get("/projects/import/"))
    assert "นำเข้าจากไฟล์ Excel/CSV" in page and "พอช." in page
    response = upload(client, messy_workbook())
    batch = ImportBatch.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/projects/import/{batch.pk}/columns/"
    )

    page = text(client.get(f"/projects/import/{batch.pk}/columns/"))
    assert "จับคู่คอลัมน์" in page and "C · ชื่อโครงการ" in page
    assert 'value="title" selected' in page
    response = confirm_columns(client, batch)
    assert response["Location"] == f"/projects/import/{batch.pk}/preview/"
    assert not Project.objects.exists()

    page = text(client.get(f"/projects/import/{batch.pk}/preview/"))
    # Problems first: each rejected row with its number, column and what to do.
    assert 'id="row-13"' in page
    assert "คอลัมน์ D" in page and "(ตำบล)" in page
    assert "คุณไม่มีสิทธิ์บันทึกโครงการของ พอช. ใน ต.บางพระ อ.เมืองตราด จ.ตราด" in page
    assert "วิธีแก้" in page
    assert "แถวที่ไม่ผ่าน 6 แถวจะไม่ถูกบันทึก" in page
    assert "ยืนยันบันทึก 4 แถว" in page
    assert "เลือกพื้นที่ที่ถูกต้อง" in page and "401002" in page  # the ambiguous ในเมือง

    response = client.post(f"/projects/import/{batch.pk}/commit/")
    assert response["Location"] == f"/projects/import/{batch.pk}/"
    assert Project.objects.count() == 4
    page = text(client.get(f"/projects/import/{batch.pk}/"))
    assert "บันทึกเรียบร้อย" in page and "every 1s" not in page

    report = client.get(f"/projects/import/{batch.pk}/report/?format=csv")
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["แถวที่", "ผล"] and len(rows) == 15
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["12"][1] == "ไม่นำเข้า"
    assert "[Q หน่วยงาน] คุณไม่มีสิทธิ์บันทึกโครงการของ สสส." in by_number["12"][5]
    # A title that was a formula comes back as text, never as a formula.
    assert by_number["11"][2] == '\'=CONCAT("โครงการ","ออมทรัพย์")'
    workbook = load_workbook(
        io.BytesIO(client.get(f"/projects/import/{batch.pk}/report/?format=xlsx").content)
    )
    sheet = workbook.active
    assert sheet.max_row == 15
    assert all(
        not (isinstance(c.value, str) and c.value.startswith("="))
        for row in sheet.iter_rows()
        for c in row
    )


def test_picking_a_place_on_the_preview_page_imports_that_row(client, cast):
    client.force_login(cast.somchai)
    upload(client, messy_workbook())
    batch = ImportBatch.objects.get()
    confirm_columns(client, batch)
    key = next(p["key"] for p in ImportRow.objects.get(batch=batch, row_number=9).problems)
    response = client.post(f"/projects/import/{batch.pk}/preview/", {f"place:{key}": "400101"})
    assert response.status_code == 302
    assert ImportRow.objects.get(batch=batch, row_number=9).outcome == "create"


def test_bad_files_get_a_thai_message_on_the_form_and_nothing_is_stored(client, cast, settings):
    client.force_login(cast.somchai)
    locked = OLE + "EncryptionInfo".encode("utf-16-le")
    response = upload(client, locked, "locked.xlsx")
    assert response.status_code == 400 and "ไฟล์นี้ตั้งรหัสผ่านไว้" in text(response)
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 400 and ImportBatch.objects.count() == 0
    settings.SAAN_IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(client, b"x" * (3 * 1024 * 1024), "big.csv")
    # Reading stopped at the limit: the page says so without spooling the rest.
    assert response.status_code == 400
    assert "ไฟล์ใหญ่เกิน 1 MB (ไฟล์นี้ 3 MB): แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์" in text(response)
    assert not ImportBatch.objects.exists()


def test_the_pages_speak_english_too(client, cast):
    client.force_login(cast.somchai)
    client.cookies.load({"django_language": "en"})
    response = upload(client, OLE + "EncryptionInfo".encode("utf-16-le"), "locked.xlsx")
    assert "This file is password-protected, so it cannot be read" in text(response)


def test_people_without_a_registering_role_cannot_import(client, cast):
    client.force_login(cast.malee)
    response = client.get("/projects/import/")
    assert response.status_code == 403
    assert "การนำเข้าโครงการทำได้เฉพาะผู้บันทึกข้อมูลหรือผู้ประสานงานขององค์กรภาคี" in text(response)
    client.logout()
    assert client.get("/projects/import/").status_code == 302  # to sign in


def test_someone_elses_batch_is_a_404(client, cast):
    client.force_login(cast.somchai)
    upload(client, messy_workbook())
    batch = ImportBatch.objects.get()
    client.force_login(cast.coordinator)
    for url in ("", "columns/", "preview/", "report/"):
        assert client.get(f"/projects/import/{batch.pk}/{url}").status_code == 404
    assert client.post(f"/projects/import/{batch.pk}/commit/").status_code == 404


# -------------------------------------------------------------------------- background path


@override_settings(TASKS=IMMEDIATE)
def test_a_large_file_is_checked_and_committed_in_the_background_with_progress(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(plan, "INLINE_ROWS", 5)
    monkeypatch.setattr(plan, "PROGRESS_EVERY", 2)
    seen: list[tuple[str, int, int]] = []
    real_progress = plan._progress

    def spy(batch: ImportBatch, phase: str, done: int, total: int) -> None:
        seen.append((phase, done, total))
        real_progress(batch, phase, done, total)

    monkeypatch.setattr(plan, "_progress", spy)
    client.force_login(cast.somchai)
    upload(client, messy_workbook())
    batch = ImportBatch.objects.get()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = confirm_columns(client, batch)
    assert response["Location"] == f"/projects/import/{batch.pk}/"
    page = text(client.get(f"/projects/import/{batch.pk}/"))
    assert 'hx-trigger="every 1s"' in page and "กำลังตรวจสอบทุกแถว" in page
    for callback in queued:  # the worker picks the task up
        callback()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and batch.queued_at is None
    assert ("checking", 2, 14) in seen and ("checking", 14, 14) in seen
    polled = client.get(f"/projects/import/{batch.pk}/", headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == f"/projects/import/{batch.pk}/preview/"

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/projects/import/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.is_running and not Project.objects.exists()
    partial = text(client.get(f"/projects/import/{batch.pk}/", headers={"HX-Request": "true"}))
    assert partial.startswith('<div id="import-progress"') and "every 1s" in partial
    for callback in queued:
        callback()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and Project.objects.count() == 4
    assert ("writing", 4, 4) in seen
    assert batch.task_id
    partial = text(client.get(f"/projects/import/{batch.pk}/", headers={"HX-Request": "true"}))
    assert "every 1s" not in partial and "บันทึกเรียบร้อย" in partial


@override_settings(TASKS=IMMEDIATE)
def test_the_commit_task_run_twice_writes_once(cast):
    result = plan.import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=messy_workbook(),
        filename="codi.xlsx",
        commit=False,
    )
    first = tasks.commit_import.enqueue(result.batch.pk)
    assert first.return_value["status"] == ImportStatus.COMMITTED
    events = AuditEvent.objects.count()
    second = tasks.commit_import.enqueue(result.batch.pk)
    assert second.return_value["status"] == ImportStatus.COMMITTED
    assert Project.objects.count() == 4 and AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="import.commit").count() == 1


@override_settings(TASKS=IMMEDIATE)
def test_a_claimed_batch_is_not_committed_by_a_second_worker(cast):
    result = plan.import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=messy_workbook(),
        filename="codi.xlsx",
        commit=False,
    )
    assert plan.claim(result.batch.pk)  # the first worker
    tasks.commit_import.enqueue(result.batch.pk)  # the second finds it taken
    assert not Project.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.COMMITTING


def test_a_batch_whose_worker_died_can_be_reset_by_its_uploader_and_committed(client, cast):
    import datetime as dt

    from django.utils import timezone

    result = plan.import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=messy_workbook(),
        filename="codi.xlsx",
        commit=False,
    )
    batch = result.batch
    assert plan.claim(batch.pk)  # a worker took it … and died: nothing written
    url = f"/projects/import/{batch.pk}/"

    # Not stale yet: no button, and the service refuses.
    client.force_login(cast.somchai)
    assert "ตั้งให้พร้อมยืนยันอีกครั้ง" not in text(client.get(url))
    response = client.post(f"{url}reset/")
    assert response.status_code == 302
    assert ImportBatch.objects.get().status == ImportStatus.COMMITTING

    long_ago = timezone.now() - dt.timedelta(minutes=plan.STALE_AFTER_MINUTES + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=long_ago)
    page = text(client.get(url))
    assert "ไม่คืบหน้าเลยนานกว่า" in page and "ตั้งให้พร้อมยืนยันอีกครั้ง" in page
    assert "every 1s" not in page  # no longer polling

    # Someone else may not reset it (the batch is not even visible to them).
    client.force_login(cast.coordinator)
    assert client.post(f"{url}reset/").status_code == 404
    assert ImportBatch.objects.get().status == ImportStatus.COMMITTING

    client.force_login(cast.somchai)
    response = client.post(f"{url}reset/")
    assert response["Location"] == f"/projects/import/{batch.pk}/preview/"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and batch.phase == ""
    event = AuditEvent.objects.get(action="import.reset")
    assert event.actor_id == cast.somchai.pk and event.before["status"] == "committing"
    assert event.after == {"status": "previewed"}
    assert not Project.objects.exists()

    # Ready to commit again, and the commit works.
    committed = plan.commit(batch_id=batch.pk)
    assert committed.status == ImportStatus.COMMITTED and Project.objects.count() == 4
    with pytest.raises(ValidationError):  # a committed batch is not stuck
        plan.reset_stale(actor=cast.somchai, batch_id=batch.pk)


def test_the_stuck_notice_names_the_configured_wait(client, cast, settings):
    import datetime as dt

    from django.utils import timezone

    settings.SAAN_IMPORT_STALE_MINUTES = 3
    result = plan.import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=messy_workbook(),
        filename="codi.xlsx",
        commit=False,
    )
    assert plan.claim(result.batch.pk)
    four_minutes_ago = timezone.now() - dt.timedelta(minutes=4)
    ImportBatch.objects.filter(pk=result.batch.pk).update(updated_at=four_minutes_ago)
    client.force_login(cast.somchai)
    page = text(client.get(f"/projects/import/{result.batch.pk}/"))
    assert "ไม่คืบหน้าเลยนานกว่า 3 นาที" in page
