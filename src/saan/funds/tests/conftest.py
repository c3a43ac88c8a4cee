"""Fixtures for funds: the community welfare fund of ต.สาวะถี (400108), run by the subdistrict's
community council (บุญมี writes its entries, ประภาพร coordinates ขอนแก่น), books from ปีงบประมาณ
2568 with 10,000 baht brought forward."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from saan.areas.models import Area
from saan.conftest import Cast, org
from saan.funds import services
from saan.funds.models import EntryKind, Fund, FundKind
from saan.projects.services import ProjectData, project_create


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fund(cast: Cast) -> Fund:
    return services.fund_create(
        actor=cast.volunteer,
        name="กองทุนสวัสดิการชุมชนตำบลสาวะถี",
        kind=FundKind.WELFARE,
        area=Area.objects.get(code="400108"),
        organisation=cast.community_council,
        start_year=2568,
        opening_balance="10,000",
    )


def income(cast: Cast, fund: Fund, day: dt.date, amount: str, source: str = "members") -> Any:
    return services.entry_create(
        actor=cast.volunteer,
        fund=fund,
        kind=EntryKind.INCOME,
        date=day,
        amount=amount,
        source=source,
    )


def grant(cast: Cast, fund: Fund, day: dt.date, amount: str, category: str = "illness") -> Any:
    return services.entry_create(
        actor=cast.volunteer,
        fund=fund,
        kind=EntryKind.GRANT,
        date=day,
        amount=amount,
        category=category,
        recipient="นางสมศรี มีสุข",
    )


def overdraft(
    actor: Any, fund: Fund, limit: str, valid_from: dt.date, valid_until: dt.date, reason: str
) -> Any:
    return services.overdraft_request(
        actor=actor,
        fund=fund,
        limit=limit,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
    )


def project(
    actor: Any, owner: str, title: str, visibility: str, areas: list[str], **extra: Any
) -> Any:
    """A project of the organisation ``owner`` (its short name), made through its service."""
    data = ProjectData(
        owner_id=org(owner).pk, title=title, visibility=visibility, area_codes=areas, **extra
    )
    return project_create(actor=actor, data=data)
