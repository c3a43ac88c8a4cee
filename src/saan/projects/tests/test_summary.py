"""The per-area work summary stays equal to a direct count of the project tables through every
kind of change (create, update, delete, bulk import, visibility and area changes, a rollback),
and the "who does what here" panel built on it shows exactly what counting the visible projects
one by one shows, for every persona and area level."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from saan.areas.models import Area
from saan.conftest import org
from saan.projects import panels, summary
from saan.projects.models import OrgRole, Project, Status, Theme, Visibility, WorkSummary
from saan.projects.services import (
    BudgetLineData,
    BulkUpdate,
    ProjectData,
    project_bulk_save,
    project_create,
    project_data,
    project_delete,
    project_update,
)

pytestmark = pytest.mark.django_db

AREAS = ["40", "4001", "400108", "4002", "400201", "4003", "23", "2301", "230101", "10"]


def theme(slug):
    return Theme.objects.get(slug=slug).pk


def stored():
    return sorted(
        WorkSummary.objects.values_list(
            "area_code",
            "visibility",
            "kind",
            "organisation_id",
            "theme_id",
            "fiscal_year",
            "count",
            "budget",
        )
    )


def assert_summary_is_fresh():
    kept = stored()
    with transaction.atomic():
        summary.rebuild()
        rebuilt = stored()
        transaction.set_rollback(True)
    assert kept == rebuilt
    assert kept  # a check on an empty table would prove nothing


def shape(work):
    return {
        "count": work.project_count,
        "budget": work.budget_total,
        "themes": [t.pk if t else None for t in work.themes],
        "matrix": [
            (
                r.organisation.pk,
                r.count,
                r.budget,
                [(t.pk if t else None, c.count, c.budget) for t, c in r.cells],
            )
            for r in work.matrix
        ],
        "years": work.years,
        "budget_rows": [
            (r.source.pk if r.source else None, r.amounts, r.total) for r in work.budget_rows
        ],
        "year_totals": work.year_totals,
        "children": [(c.area.code, c.count, c.own, c.shade) for c in work.children],
        "wide": work.wide_count,
        "untouched": [a.code for a in work.untouched],
        "projects": [(r.project.pk, r.wide) for r in work.projects],
    }


def counted_one_by_one(monkeypatch, user, area):
    """The panel with the summary table out of the picture: every project counted directly."""
    with monkeypatch.context() as m:
        m.setattr(panels, "_full_visibilities", lambda user, code: [])
        return shape(panels.area_panel(user, area))


def d(**values):
    values.setdefault("status", Status.ONGOING)
    values.setdefault("start_date", dt.date(2024, 10, 1))
    values.setdefault("end_date", dt.date(2025, 9, 30))
    return ProjectData(**values)


@pytest.fixture
def register(cast):
    """Projects of every visibility, at every level, with several areas, several roles of one
    organisation, two themes or none, budget lines with and without a source."""
    codi, thaihealth, nhco = org("พอช.").pk, org("สสส.").pk, org("สช.").pk
    made = [
        project_create(
            actor=cast.somchai,
            data=d(
                owner_id=codi,
                title="ดูแลผู้สูงอายุ สาวะถี",
                area_codes=["400108"],
                theme_ids=[theme("ageing"), theme("health")],
                visibility=Visibility.PUBLIC,
                budget_lines=[
                    BudgetLineData(2568, Decimal("80000.50"), "committed", nhco),
                    BudgetLineData(2568, Decimal("1000"), "planned", None),
                ],
            ),
        ),
        project_create(
            actor=cast.admin,
            data=d(
                owner_id=thaihealth,
                title="น้ำชุมชน เมืองขอนแก่น และหนองบัว",
                area_codes=["4001", "400201"],
                theme_ids=[theme("water")],
                roles=[(nhco, OrgRole.PARTNER), (nhco, OrgRole.FUNDING)],
                budget_lines=[BudgetLineData(2569, Decimal("500000"), "planned", thaihealth)],
            ),
        ),
        project_create(
            actor=cast.admin,
            data=d(
                owner_id=nhco,
                title="สมัชชาสุขภาพ ขอนแก่น (ลับ)",
                area_codes=["40", "400108"],
                visibility=Visibility.PRIVATE,
                budget_lines=[BudgetLineData(2568, Decimal("1200000"), "planned", nhco)],
            ),
        ),
        project_create(
            actor=cast.somchai,
            data=d(
                owner_id=codi,
                title="ออมทรัพย์ หนองบัว (ลับ)",
                area_codes=["400201"],
                visibility=Visibility.PRIVATE,
                roles=[(thaihealth, OrgRole.PARTNER)],
                theme_ids=[theme("community-economy")],
                budget_lines=[BudgetLineData(2567, Decimal("30000"), "spent", codi)],
            ),
        ),
        project_create(
            actor=cast.admin,
            data=d(
                owner_id=nhco,
                title="ขอนแก่นและตราด",
                area_codes=["4001", "2301"],
                visibility=Visibility.ALLIANCE,
                theme_ids=[theme("health")],
            ),
        ),
        project_create(
            actor=cast.admin,
            data=d(owner_id=nhco, title="ตำบลบางพระ", area_codes=["230101"]),
        ),
    ]
    return made


PERSONAS = ["admin", "somchai", "malee", "niran", "coordinator", "volunteer", "trat", None]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_panel_equals_counting_the_visible_projects_one_by_one(
    monkeypatch, cast, register, persona
):
    user = getattr(cast, persona) if persona else AnonymousUser()
    for code in AREAS:
        area = Area.objects.get(code=code)
        assert shape(panels.area_panel(user, area)) == counted_one_by_one(monkeypatch, user, area)


def test_the_admins_province_panel_has_the_expected_figures(cast, register):
    work = panels.area_panel(cast.admin, Area.objects.get(code="40"))
    assert work.project_count == 5  # all but บางพระ; the private ones too
    assert work.budget_total == Decimal("1811000.50")
    rows = {r.organisation.short_name: r for r in work.matrix}
    # สช. takes part twice in the water project (partner and funder): counted once.
    assert rows["สช."].count == 3
    assert rows["สช."].budget == Decimal("1700000")
    children = {c.area.code: c for c in work.children}
    assert work.wide_count == 1  # the private assembly at 40
    # 4001: ดูแลผู้สูงอายุ (400108), น้ำชุมชน (4001), ขอนแก่นและตราด; not the assembly (wide).
    assert children["4001"].own == 3 and children["4001"].count == 4
    assert children["4002"].own == 2


def test_the_summary_follows_every_change(cast, register):
    assert_summary_is_fresh()
    water = register[1]
    data = project_data(water)
    data.area_codes = ["400108", "230101"]
    data.visibility = Visibility.PUBLIC
    data.theme_ids = []
    data.budget_lines = [BudgetLineData(2570, Decimal("7"), "spent", None)]
    project_update(actor=cast.admin, project=water, data=data)
    assert_summary_is_fresh()
    assert not WorkSummary.objects.filter(area_code="4002").exclude(visibility="private").exists()
    project_delete(actor=cast.admin, project=register[0])
    assert_summary_is_fresh()


def test_the_summary_follows_a_bulk_import(cast, register):
    codi = org("พอช.").pk
    old = register[3]
    changed = project_data(old)
    changed.area_codes = ["4003"]
    changed.visibility = Visibility.ALLIANCE
    project_bulk_save(
        actor=cast.admin,
        creates=[
            d(owner_id=codi, title=f"นำเข้า {i}", ref_code=f"IMP-{i}", area_codes=[code])
            for i, code in enumerate(["400108", "4001", "40", "10", "230101"])
        ],
        updates=[BulkUpdate(old.pk, old.version, changed)],
    )
    assert_summary_is_fresh()
    assert WorkSummary.objects.get(area_code="4003", visibility="alliance", kind="T").count == (
        Project.objects.filter(project_areas__area__code__startswith="4003", visibility="alliance")
        .distinct()
        .count()
    )


def test_a_large_change_rebuilds_and_a_rollback_leaves_the_summary_as_it_was(cast, register):
    before = stored()
    with transaction.atomic():
        summary.refresh([a.code for a in Area.objects.all()[: summary.FULL_REBUILD_ABOVE + 1]])
        assert stored() == before
        summary.refresh([a.code for a in Area.objects.filter(level="province")])
        assert stored() == before
        WorkSummary.objects.all().delete()
        transaction.set_rollback(True)
    assert stored() == before


def test_an_import_refreshes_the_summary_once_after_its_last_chunk(monkeypatch, cast, register):
    from saan.projects.importing import plan
    from saan.projects.tests.test_import import messy_workbook

    monkeypatch.setattr(plan, "WRITE_CHUNK", 1)  # one project per bulk save
    fills = []
    real_fill = summary._fill
    monkeypatch.setattr(summary, "_fill", lambda *a: (fills.append(a), real_fill(*a)))
    result = plan.import_file(
        actor=cast.somchai, owner=org("พอช."), file_bytes=messy_workbook(), filename="codi.xlsx"
    )
    assert result.committed and result.counts["create"] == 4
    assert len(fills) == 1
    assert_summary_is_fresh()
