"""Charters: a signed version is never rewritten; editing it makes the next version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.forums import services
from saan.forums.models import CharterVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(cast: Any) -> Any:
    return services.charter_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        title="ธรรมนูญสุขภาพตำบลสาวะถี",
        kind="health",
        text="หมวด 1 เจตนารมณ์",
    )


def test_unsigned_text_is_edited_in_place(cast: Any, charter: Any) -> None:
    v = services.charter_edit_text(actor=cast.coordinator, charter=charter, text="หมวด 1 แก้แล้ว")
    assert v.number == 1 and charter.versions.count() == 1
    assert charter.latest_version().text == "หมวด 1 แก้แล้ว"


def test_editing_a_signed_version_creates_a_new_one(cast: Any, charter: Any, client: Any) -> None:
    services.commitment_add(
        actor=cast.coordinator, charter=charter, text="ดูแลผู้สูงอายุทุกคน", owner=org("สปสช.")
    )
    services.charter_sign(
        actor=cast.coordinator,
        charter=charter,
        organisation=org("สช."),
        signed_on=dt.date(2025, 6, 24),
    )
    services.charter_sign(
        actor=cast.coordinator,
        charter=charter,
        organisation=org("พอช."),
        signed_on=dt.date(2025, 6, 20),
    )
    v1 = CharterVersion.objects.get(charter=charter, number=1)
    assert v1.signed_on == dt.date(2025, 6, 20)  # the earliest signature
    with pytest.raises(ValidationError):
        services.commitment_add(actor=cast.coordinator, charter=charter, text="เพิ่มภายหลัง")

    v2 = services.charter_edit_text(
        actor=cast.coordinator,
        charter=charter,
        text="หมวด 1 เจตนารมณ์\nหมวด 2 ภัยพิบัติ",
        change_note="เพิ่มหมวดภัยพิบัติ",
    )
    v1.refresh_from_db()
    assert v1.text == "หมวด 1 เจตนารมณ์" and v1.signed_on == dt.date(2025, 6, 20)
    assert v1.signatories.count() == 2
    assert (v2.number, v2.signed_on, v2.signatories.count()) == (2, None, 0)
    assert list(v2.commitments.values_list("text", flat=True)) == ["ดูแลผู้สูงอายุทุกคน"]
    assert charter.latest_version() == v2
    assert AuditEvent.objects.filter(action="charter.new_version").count() == 1

    # Editing v2 (unsigned) again rewrites v2, not a third version.
    services.charter_edit_text(actor=cast.coordinator, charter=charter, text="หมวด 2 ปรับถ้อยคำ")
    assert charter.versions.count() == 2

    page = client.get(f"/forums/charters/{charter.pk}/?version=1").content.decode()
    assert "หมวด 1 เจตนารมณ์" in page and "ไม่ใช่ฉบับล่าสุด" in page
    assert "หมวด 2 ปรับถ้อยคำ" in client.get(f"/forums/charters/{charter.pk}/").content.decode()


def test_a_version_cannot_be_signed_twice_by_one_organisation(cast: Any, charter: Any) -> None:
    services.charter_sign(
        actor=cast.coordinator,
        charter=charter,
        organisation=org("สช."),
        signed_on=dt.date(2025, 6, 24),
    )
    with pytest.raises(ValidationError):
        services.charter_sign(
            actor=cast.coordinator,
            charter=charter,
            organisation=org("สช."),
            signed_on=dt.date(2025, 6, 25),
        )


def test_only_the_areas_coordinator_or_the_mechanisms_members_edit(cast: Any, charter: Any) -> None:
    for who in ("somchai", "trat", "niran"):
        with pytest.raises(PermissionDenied):
            services.charter_edit_text(actor=getattr(cast, who), charter=charter, text="แก้")


def test_private_charter_is_hidden_from_the_public(cast: Any, charter: Any, client: Any) -> None:
    services.charter_update(actor=cast.coordinator, charter=charter, is_public=False)
    assert client.get(f"/forums/charters/{charter.pk}/").status_code == 404
    assert client.get(f"/api/forums/charters/{charter.pk}").status_code == 404
    client.force_login(cast.volunteer)  # a grant inside ขอนแก่น reaches it
    assert client.get(f"/forums/charters/{charter.pk}/").status_code == 200
