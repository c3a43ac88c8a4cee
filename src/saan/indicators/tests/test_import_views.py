"""The import pages: who reaches them, upload → preview → commit → result, the background path
with its progress page, and another person's import answering 404.

Until ``saan.indicators.urls`` includes the import routes, this module wires them itself (the
``urlpatterns`` below, used through ``pytest.mark.urls``): the site's routes, with the
indicator routes preceded by ``import/``.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, include, path

from saan.conftest import PASSWORD
from saan.indicators.importing import services
from saan.indicators.models import DataValue, ImportStatus, IndicatorImport, Rollup


def _patterns() -> list[URLPattern | URLResolver]:
    from saan import urls as root
    from saan.indicators import urls as indicator_urls

    own = [p for p in indicator_urls.urlpatterns if str(p.pattern) != "import/"]
    indicators = [path("import/", include("saan.indicators.import_urls")), *own]
    rest = [p for p in root.urlpatterns if str(p.pattern) != "indicators/"]
    return [*rest, path("indicators/", include((indicators, "indicators")))]


urlpatterns = _patterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
URL = "/indicators/import/"


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, text, name="values.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, text.strip().encode("utf-8"), "text/csv"), **extra}
    return client.post(URL, data)


GOOD = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
poor-households,400108,2568,12
poor-households,400101,2568,-
poor-households,400102,2568,สิบ
"""


def test_only_signed_in_editors_coordinators_and_admins_reach_the_page(client, cast):
    assert client.get(URL).status_code == 404
    for persona in (cast.malee, cast.niran):
        assert signed_in(client, persona).get(URL).status_code == 404
        client.logout()
    for persona in (cast.somchai, cast.coordinator, cast.volunteer, cast.admin):
        response = signed_in(client, persona).get(URL)
        assert response.status_code == 200
        assert "นำเข้าข้อมูลตัวชี้วัด" in response.content.decode()
        client.logout()


def test_upload_preview_commit_result(client, cast, poor):
    signed_in(client, cast.somchai)
    response = upload(client, GOOD)
    batch = IndicatorImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    for text in ("เพิ่มใหม่", "ไม่รับ", "“สิบ” ไม่ใช่ตัวเลข", "ไม่มีข้อมูล (“-”) ไม่นับเป็นศูนย์"):
        assert text in page
    assert 'data-label="เหตุผล"' in page  # a phone shows each row as a card
    assert not DataValue.objects.exists()
    # A refused value blocks the commit unless the person chooses to skip it.
    response = client.post(f"{URL}{batch.pk}/commit/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "มีค่าที่ไม่รับ 1 รายการ" in batch.error
    assert not DataValue.objects.exists()
    response = client.post(f"{URL}{batch.pk}/commit/", {"skip_rejected": "1"}, follow=True)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert "บันทึกข้อมูลเรียบร้อยแล้ว" in response.content.decode()
    assert DataValue.objects.get().value == 12
    assert Rollup.objects.get(indicator=poor, area_code="40").value == 12


def test_an_unreadable_file_is_refused_on_the_form(client, cast, poor):
    signed_in(client, cast.somchai)
    response = upload(client, "ชื่อ,นามสกุล\nสมชาย,ใจดี")
    assert response.status_code == 400
    assert "ไม่พบแถวหัวตาราง" in response.content.decode()
    assert not IndicatorImport.objects.exists()


def test_another_persons_import_is_404(client, cast, poor):
    signed_in(client, cast.somchai)
    upload(client, GOOD)
    batch = IndicatorImport.objects.get()
    client.logout()
    signed_in(client, cast.coordinator)
    assert client.get(f"{URL}{batch.pk}/").status_code == 404
    assert client.post(f"{URL}{batch.pk}/commit/").status_code == 404
    assert client.get(f"{URL}{batch.pk}/status/").status_code == 404


def test_conflicts_are_offered_one_by_one(client, cast, poor):
    from saan.areas.models import Area
    from saan.indicators.services import value_accept, value_set, value_verify

    value = value_set(
        actor=cast.volunteer, indicator=poor, area=Area.objects.get(code="400108"),
        period="2568", value=10,
    )  # fmt: skip
    value_accept(actor=cast.coordinator, value=value_verify(actor=cast.volunteer, value=value))
    signed_in(client, cast.coordinator)
    upload(client, "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,12")
    batch = IndicatorImport.objects.get()
    page = client.get(f"{URL}{batch.pk}/").content.decode()
    assert f'name="reopen" value="{value.pk}"' in page
    assert "ค่านี้ได้รับการรับรองแล้ว การแก้ไขต้องเปิดการสอบทานใหม่" in page
    client.post(f"{URL}{batch.pk}/commit/", {"reopen": [str(value.pk)]})
    value.refresh_from_db()
    assert (value.value, value.state) == (12, "entered")


@override_settings(TASKS=IMMEDIATE)
def test_a_large_file_is_committed_by_a_background_task_with_progress(
    client, cast, poor, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_THRESHOLD", 3)
    rows = ["รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า"]
    rows += [f"poor-households,4001{n:02d},2568,{n}" for n in range(1, 11)]
    signed_in(client, cast.somchai)
    upload(client, "\n".join(rows))
    batch = IndicatorImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"{URL}{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    status = client.get(f"{URL}{batch.pk}/status/", headers={"HX-Request": "true"})
    assert "รอคิวบันทึก" in status.content.decode()
    assert 'hx-trigger="every 2s"' in status.content.decode()
    assert not DataValue.objects.exists()
    for callback in callbacks:  # the request's transaction commits: the task runs
        callback()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert DataValue.objects.count() == 10
    assert Rollup.objects.get(indicator=poor, area_code="4001").value == 55
    status = client.get(f"{URL}{batch.pk}/status/", headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true"
    assert "บันทึกเรียบร้อยแล้ว" in status.content.decode()


def test_the_task_commits_once_even_if_delivered_twice(cast, poor):
    from saan.indicators.importing.plan import Options

    batch = services.import_preview(
        actor=cast.somchai,
        content="รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,4".encode(),
        filename="x.csv",
        options=Options(),
    )
    IndicatorImport.objects.filter(pk=batch.pk).update(status=ImportStatus.QUEUED)
    assert services.run_commit(batch.pk) is not None
    assert services.run_commit(batch.pk) is None
    assert DataValue.objects.count() == 1


def test_template_download(client, cast):
    signed_in(client, cast.somchai)
    response = client.get(f"{URL}template.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า")
