"""Fixtures for the central space: Khon Kaen's working group (public) and a private one, set up
by the province's coordinator through the services, and a meeting with resolutions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from saan.areas.models import Area
from saan.conftest import Cast, org
from saan.forums import services
from saan.forums.models import Mechanism, MechanismKind, Meeting, MeetingStatus

BANGKOK = ZoneInfo("Asia/Bangkok")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def make_mechanism(cast: Cast, *, public: bool = True, name: str = "") -> Mechanism:
    return services.mechanism_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        kind=MechanismKind.WORKING_GROUP,
        name=name or ("คณะทำงานภาคีอาสาจังหวัดขอนแก่น" if public else "คณะทำงานเฉพาะกิจ (ภายใน)"),
        is_public=public,
    )


def make_meeting(
    cast: Cast,
    mechanism: Mechanism,
    day: dt.date,
    *,
    status: str = MeetingStatus.HELD,
    number: str = "",
    carry: bool = True,
) -> Meeting:
    return services.meeting_create(
        actor=cast.coordinator,
        mechanism=mechanism,
        starts_at=at(day),
        number=number,
        status=status,
        place="ศาลากลางจังหวัดขอนแก่น",
        carry=carry,
    )


def resolve(cast: Cast, meeting: Meeting, text: str, owner: str, due: dt.date, **kw: Any) -> Any:
    return services.resolution_create(
        actor=cast.coordinator, meeting=meeting, text=text, owner=org(owner), due_date=due, **kw
    )


@pytest.fixture
def wg(cast: Cast) -> Mechanism:
    return make_mechanism(cast)


@pytest.fixture
def private_wg(cast: Cast) -> Mechanism:
    return make_mechanism(cast, public=False)
