"""Who may register a fund, read its books, write entries, approve overdrafts and close years:
each persona of the cast, plus a viewer of the managing organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from saan.areas.models import Area
from saan.conftest import PASSWORD, Cast, _grant, _user, org
from saan.funds import queries, services
from saan.funds.models import Fund, FundKind
from saan.partners.models import Role

pytestmark = pytest.mark.django_db


def _register(actor: object, organisation: object, area: str = "400108") -> Fund:
    return services.fund_create(
        actor=actor,
        name=f"กลุ่มออมทรัพย์ทดสอบ {getattr(actor, 'username', '')}",
        kind=FundKind.SAVINGS,
        area=Area.objects.get(code=area),
        organisation=organisation,  # type: ignore[arg-type]
        start_year=2569,
    )


def test_who_registers_a_fund(cast: Cast) -> None:
    # The managing organisation's editor inside its area, the area's coordinator, an admin.
    assert _register(cast.somchai, org("พอช.")).organisation == org("พอช.")
    assert _register(cast.coordinator, cast.community_council).area_id == "400108"
    assert _register(cast.admin, org("สสส."), area="23")
    for actor, organisation, area in [
        (cast.somchai, cast.community_council, "400108"),  # not his organisation
        (cast.volunteer, cast.community_council, "400101"),  # outside his subdistrict
        (cast.malee, org("สสส."), "400108"),  # a viewer
        (cast.niran, org("พอช."), "400108"),  # no organisation
        (cast.trat, org("สช."), "400108"),  # another province's coordinator
    ]:
        with pytest.raises(PermissionDenied):
            _register(actor, organisation, area)


def test_what_each_persona_may_do_with_the_welfare_fund(cast: Cast, fund: Fund) -> None:
    viewer = _user("council-viewer", "ดาว", "ใจดี")
    _grant(viewer, Role.VIEWER, cast.community_council, "400108")
    table = {
        # persona: (reads the books, writes entries, supervises)
        "volunteer": (True, True, False),
        "coordinator": (True, False, True),
        "admin": (True, True, True),
        "viewer": (True, False, False),
        "somchai": (False, False, False),
        "malee": (False, False, False),
        "niran": (False, False, False),
        "trat": (False, False, False),
    }
    people = {
        "volunteer": cast.volunteer,
        "coordinator": cast.coordinator,
        "admin": cast.admin,
        "viewer": viewer,
        "somchai": cast.somchai,
        "malee": cast.malee,
        "niran": cast.niran,
        "trat": cast.trat,
    }
    for name, expected in table.items():
        user = people[name]
        got = (
            queries.can_read(user, fund),
            queries.can_write(user, fund),
            queries.can_supervise(user, fund),
        )
        assert got == expected, name
        c = Client()
        assert c.login(username=user.get_username(), password=PASSWORD)
        assert c.get(fund.get_absolute_url()).status_code == (200 if expected[0] else 404), name
        assert c.get(f"/funds/{fund.pk}/entries/new/").status_code == (
            200 if expected[1] else 404
        ), name
        assert c.get(f"/funds/{fund.pk}/close/").status_code == (200 if expected[2] else 404), name
        assert c.get(fund.get_public_url()).status_code == 200
    with pytest.raises(PermissionDenied):
        services.entry_create(
            actor=viewer,
            fund=fund,
            kind="income",
            date=dt.date(2024, 11, 1),
            amount="1",
            source="members",
        )


def test_registering_a_fund_from_the_page(cast: Cast) -> None:
    c = Client()
    assert c.login(username="boonmee", password=PASSWORD)
    r = c.post(
        "/funds/new/",
        {
            "name": "กลุ่มสัจจะออมทรัพย์บ้านโนนทัน",
            "kind": "savings",
            "area": "๔๐๐๑๐๘",
            "organisation": cast.community_council.pk,
            "start_year": "2569",
            "opening_balance": "25,000",
            "is_public": "on",
        },
    )
    assert r.status_code == 302
    fund = Fund.objects.get(name="กลุ่มสัจจะออมทรัพย์บ้านโนนทัน")
    assert queries.balance_now(fund) == 25000
    r = c.post(
        "/funds/new/",
        {
            "name": "อีกกองทุน",
            "kind": "savings",
            "area": "400108",
            "organisation": org("สสส.").pk,
            "start_year": "2569",
            "opening_balance": "-5",
        },
    )
    assert r.status_code == 200 and "ไม่มีสิทธิ์" in r.content.decode()
    assert not Fund.objects.filter(name="อีกกองทุน").exists()
