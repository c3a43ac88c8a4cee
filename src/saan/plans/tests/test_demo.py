"""The demo plans load from the demo common agendas, add up, and load only once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saan.areas.models import Area
from saan.core.demo import ORGANISATIONS
from saan.forums.demo_data import load_forums_demo
from saan.partners import services as partner_services
from saan.partners.models import Organisation
from saan.plans import queries
from saan.plans.demo_data import load_plans_demo
from saan.plans.models import Contribution, Plan, PlanStatus, PlanVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast: Any) -> None:
    existing = set(Organisation.objects.values_list("name_th", flat=True))
    for sector, name_th, name_en, short, home, parent in ORGANISATIONS:
        if name_th not in existing:
            partner_services.organisation_create(
                actor=cast.admin,
                name_th=name_th,
                name_en=name_en,
                short_name=short,
                sector=sector,
                home_area=Area.objects.get(code=home),
                parent=Organisation.objects.get(short_name=parent) if parent else None,
            )
    load_forums_demo()
    load_plans_demo(cast.admin)


def test_demo_plans(cast: Any, demo: None, client: Any) -> None:
    kk = Plan.objects.get(area_id="40", fiscal_year=2569)
    trat = Plan.objects.get(area_id="23", fiscal_year=2569)
    assert kk.agenda is not None and kk.agenda.vision == "คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน"
    assert trat.agenda is not None and trat.agenda.vision == "5 ดี วิถีตราด"
    assert (kk.status, kk.version) == (PlanStatus.REVISED, 2)
    for plan in (kk, trat):  # the title names every fiscal year the plan covers
        years = f"{plan.fiscal_year}" + (
            f"–{plan.fiscal_year_end}" if plan.fiscal_year_end > plan.fiscal_year else ""
        )
        assert plan.title.endswith(f"ปีงบประมาณ {years}"), plan.title
    assert PlanVersion.objects.get(plan=kk).resolution is not None
    goals, rows = queries.plan_funding(cast.coordinator, kk)
    # The transfer chain: recorded 600,000, counted 300,000 at สสส.
    assert Contribution.objects.filter(item__plan=kk, funded_by__isnull=False).count() == 1
    assert queries.pass_through(rows, "pledged") == Decimal("300000")
    assert queries.total(rows, "pledged") > queries.total(rows, "disbursed") > 0
    unfunded = [i.item.title for i in queries.unfunded(goals) if not i.totals["pledged"]]
    assert unfunded == ["สำรวจดัชนีความสุขคนขอนแก่นรายอำเภอ"]
    not_disbursed = Contribution.objects.filter(pledged__gt=0, disbursed=0)
    assert not_disbursed.filter(item__plan=kk).exists()
    assert not_disbursed.filter(item__plan=trat).exists()
    urls = [f"/plans/{kk.pk}/", f"/plans/{kk.pk}/matrix/", f"/plans/{kk.pk}/versions/"]
    urls += [f"/plans/{trat.pk}/sources/", "/plans/co-investment/", "/plans/area/400108/"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    counts = (Plan.objects.count(), Contribution.objects.count(), PlanVersion.objects.count())
    load_plans_demo(cast.admin)
    assert (
        Plan.objects.count(),
        Contribution.objects.count(),
        PlanVersion.objects.count(),
    ) == counts
