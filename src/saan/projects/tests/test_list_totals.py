"""The list's count and budget total read from the per-area summary equal counting the selected
projects directly, for every persona, area level and fiscal year, after changes too; filters the
summary cannot answer are counted directly; and the page shows the same figures either way."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from saan.conftest import org
from saan.projects import filters, panels, queries
from saan.projects.models import Project, SummaryKind, Visibility, WorkSummary
from saan.projects.services import BudgetLineData, project_create, project_data, project_update
from saan.projects.tests.test_summary import PERSONAS, d, register, theme

pytestmark = pytest.mark.django_db

__all__ = ["register"]  # the fixture, shared with test_summary

AREAS = [None, "40", "4001", "400108", "4002", "400201", "23", "2301", "230101", "10"]
YEARS = [None, 2566, 2567, 2568, 2569, 2570]


@pytest.fixture
def spans(cast, register):
    """Projects spanning several fiscal years, district-wide ones with a fiscal year from a
    budget line only and with no fiscal year at all."""
    codi, nhco = org("พอช.").pk, org("สช.").pk
    project_create(
        actor=cast.somchai,
        data=d(
            owner_id=codi,
            title="สามปี สาวะถี",
            area_codes=["400108", "400201"],
            start_date=dt.date(2023, 10, 1),  # FY 2567
            end_date=dt.date(2026, 9, 30),  # FY 2569
            theme_ids=[theme("ageing")],
            budget_lines=[
                BudgetLineData(2567, Decimal("100"), "planned", None),
                BudgetLineData(2569, Decimal("250.25"), "planned", nhco),
            ],
        ),
    )
    project_create(
        actor=cast.admin,
        data=d(
            owner_id=nhco,
            title="ไม่มีวันที่ ทั้งอำเภอ",
            area_codes=["4001"],
            start_date=None,
            end_date=None,
            budget_lines=[BudgetLineData(2568, Decimal("7"), "planned", None)],
        ),
    )
    project_create(
        actor=cast.admin,
        data=d(
            owner_id=nhco,
            title="ไม่มีปีงบประมาณ",
            area_codes=["4002"],
            start_date=None,
            end_date=None,
        ),
    )


def user_of(cast, persona):
    return getattr(cast, persona) if persona else AnonymousUser()


def both_ways(user, params):
    chosen = filters.parse_filters(params)
    selection = filters.apply_filters(queries.visible_to(user), chosen)
    return panels.list_totals(user, chosen, selection), panels._counted(selection)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_summed_totals_equal_counting_the_selection(cast, spans, persona):
    user = user_of(cast, persona)
    seen = set()
    for code in AREAS:
        for year in YEARS:
            params = {k: str(v) for k, v in {"area": code, "fy": year}.items() if v}
            fast, exact = both_ways(user, params)
            assert fast == exact, params
            seen.add(exact[0])
    assert len(seen) >= 2  # not all zero: the comparison proves something


def test_the_admins_province_figures_come_from_the_summary(monkeypatch, cast, spans):
    calls = []
    original = panels._counted
    monkeypatch.setattr(panels, "_counted", lambda qs: calls.append(qs) or original(qs))
    chosen = filters.parse_filters({"area": "40", "fy": "2569"})
    selection = filters.apply_filters(queries.visible_to(cast.admin), chosen)
    # น้ำชุมชน spans 2568–2569 (its budget line is for 2569), สามปี 2567–2569; the others
    # end in 2568 or have no fiscal year.
    assert panels.list_totals(cast.admin, chosen, selection) == (2, Decimal("500350.25"))
    assert calls == []  # nothing counted project by project
    assert WorkSummary.objects.filter(kind=SummaryKind.YEAR, area_code="40").exists()


@pytest.mark.parametrize("extra", [{"org": "org"}, {"q": "สาวะถี"}, {"status": "ongoing"}])
def test_other_filters_are_counted_directly(monkeypatch, cast, spans, extra):
    if "org" in extra:
        extra = {"org": str(org("พอช.").pk)}
    calls = []
    original = panels._counted
    monkeypatch.setattr(panels, "_counted", lambda qs: calls.append(qs) or original(qs))
    fast, exact = both_ways(cast.admin, {"area": "40", "fy": "2568", **extra})
    assert fast == exact and exact[0] > 0
    assert len(calls) == 2  # list_totals counted directly, then the check did


def test_the_totals_follow_changes_of_dates_areas_and_visibility(cast, spans):
    project = Project.objects.get(title="สามปี สาวะถี")
    data = replace(
        project_data(project),
        start_date=dt.date(2027, 10, 1),  # FY 2571
        end_date=dt.date(2028, 9, 30),
        area_codes=["2301"],
        visibility=Visibility.PRIVATE,
    )
    project_update(actor=cast.admin, project=project, data=data)
    for persona in PERSONAS:
        user = user_of(cast, persona)
        for code in AREAS:
            for year in [*YEARS, 2571]:
                params = {k: str(v) for k, v in {"area": code, "fy": year}.items() if v}
                fast, exact = both_ways(user, params)
                assert fast == exact, (persona, params)


@pytest.mark.parametrize("persona", ["admin", "coordinator", "somchai", None])
def test_the_page_shows_the_same_count_and_total(cast, spans, persona):
    user = user_of(cast, persona)
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    for query in ["area=40&fy=2568", "area=4001", "area=400108&fy=2569", "area=40&fy=2567"]:
        response = client.get(f"/projects/?{query}")
        assert response.status_code == 200
        params = dict(pair.split("=") for pair in query.split("&"))
        _, (count, total) = both_ways(user, params)
        assert response.context["page_obj"].paginator.count == count
        assert response.context["total_budget"] == total
        assert len(response.context["rows"]) == min(count, 50)


def test_the_rows_built_in_python_escape_and_show_every_cell(cast, spans):
    codi = org("พอช.").pk
    project_create(
        actor=cast.somchai,
        data=d(
            owner_id=codi,
            title='<script>alert("x")</script> & ผู้สูงอายุ',
            ref_code="<b>R-1</b>",
            area_codes=["400108", "400201", "400101", "400102", "400103"],
            start_date=dt.date(2023, 10, 1),
            end_date=dt.date(2025, 9, 30),
            budget_lines=[BudgetLineData(2568, Decimal("1234.5"), "planned", None)],
        ),
    )
    client = Client()
    client.force_login(cast.admin)
    html = client.get("/projects/?q=ผู้สูงอายุ&area=40").content.decode()
    assert "<script>alert" not in html and "<b>R-1</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ผู้สูงอายุ" in html
    assert '<span class="code">&lt;b&gt;R-1&lt;/b&gt;</span>' in html
    assert '<span class="muted">+2</span>' in html  # five areas: three shown
    assert ">2567–2568<" in html
    assert "1,234.50 บาท" in html
    assert 'data-label="สถานะ"><span class="badge status-ongoing">' in html
