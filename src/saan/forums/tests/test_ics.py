"""The meeting's calendar file: RFC 5545 by hand, Bangkok times as UTC, folded lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saan.forums import services
from saan.forums.ics import escape, fold
from saan.forums.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_folding_counts_octets_and_never_splits_a_thai_letter() -> None:
    line = "SUMMARY:" + "ประชุมคณะทำงานภาคีอาสาจังหวัดขอนแก่น" * 4
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace("\r\n ", "") == line
    for p in pieces:
        p.encode("utf-8").decode("utf-8")  # each piece is whole characters


def test_text_is_escaped() -> None:
    assert escape("ห้อง 3, ชั้น 2; อาคาร\\HS05\nขอนแก่น") == ("ห้อง 3\\, ชั้น 2\\; อาคาร\\\\HS05\\nขอนแก่น")


def test_calendar_file_of_a_meeting(cast: Any, wg: Any, client: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 12, 15), status="planned", number="ครั้งที่ 4/2569")
    services.meeting_update(
        actor=cast.coordinator,
        meeting=meeting,
        place="ห้องประชุม 3, อาคาร HS05 คณะมนุษยศาสตร์และสังคมศาสตร์ มหาวิทยาลัยขอนแก่น",
        ends_at=dt.datetime(2026, 12, 15, 5, 0, tzinfo=dt.UTC),
    )
    response = client.get(f"/forums/meetings/{meeting.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(raw.encode("utf-8")) <= 75 for raw in body.split("\r\n"))
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines and "VERSION:2.0" in lines
    assert "DTSTART:20261215T020000Z" in lines  # 09:00 in Bangkok
    assert "DTEND:20261215T050000Z" in lines
    assert f"UID:meeting-{meeting.pk}@testserver" in lines
    assert "SUMMARY:คณะทำงานภาคีอาสาจังหวัดขอนแก่น ครั้งที่ 4/2569" in lines
    assert any(line.startswith("LOCATION:ห้องประชุม 3\\, อาคาร HS05") for line in lines)
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)


def test_invitation_shows_the_buddhist_era_date(cast: Any, wg: Any, client: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 12, 15), status="planned", number="ครั้งที่ 4/2569")
    page = client.get(f"/forums/meetings/{meeting.pk}/invitation/").content.decode()
    assert "15 ธันวาคม 2569" in page and "09:00" in page
    assert "หนังสือเชิญประชุม" in page and "calendar.ics" in page
