import datetime as dt
from decimal import Decimal

import pytest

from saan.conftest import org
from saan.projects.filters import (
    SORTS,
    FilterError,
    annotate_budget,
    budget_sum,
    filter_projects,
    parse_filters,
    sort_projects,
)
from saan.projects.models import OrgRole, Project, TargetGroup, Theme
from saan.projects.services import BudgetLineData, ProjectData, TargetData, project_create

pytestmark = pytest.mark.django_db


def make(cast, **overrides):
    values = dict(
        owner_id=org("สสส.").pk,
        title="ธนาคารต้นไม้ ตำบลสาวะถี",
        area_codes=["400108"],
        start_date=dt.date(2024, 10, 1),
        end_date=dt.date(2026, 9, 30),
        theme_ids=[Theme.objects.get(slug="environment").pk, Theme.objects.get(slug="land").pk],
        targets=[
            TargetData(TargetGroup.objects.get(slug="households").pk, 120, 80),
            TargetData(TargetGroup.objects.get(slug="farmers").pk, 60, 40),
        ],
        budget_lines=[
            BudgetLineData(2568, Decimal("150000"), "spent"),
            BudgetLineData(2569, Decimal("250000"), "committed", org("บพท.").pk),
            BudgetLineData(2569, Decimal("50000.50"), "planned"),
        ],
        roles=[
            (org("บพท.").pk, OrgRole.FUNDING),
            (cast.community_council.pk, OrgRole.IMPLEMENTING),
        ],
    )
    values.update(overrides)
    return project_create(actor=cast.admin, data=ProjectData(**values))


def test_budget_total_is_not_multiplied_by_themes_or_areas(cast):
    project = make(cast, area_codes=["400108", "400115"])
    qs = annotate_budget(filter_projects(Project.objects.all(), {"theme": "land", "area": "40"}))
    assert [(p.pk, p.budget_total) for p in qs] == [(project.pk, Decimal("450000.50"))]
    assert annotate_budget(Project.objects.all(), fiscal_year=2569).get().budget_total == Decimal(
        "300000.50"
    )
    assert budget_sum(Project.objects.all()) == Decimal("450000.50")


def test_a_project_without_budget_lines_has_no_total_and_sorts_last(cast):
    big = make(cast)
    none = make(cast, title="ไม่มีงบ", budget_lines=[])
    rows = list(sort_projects(Project.objects.all(), "-budget"))
    assert rows == [big, none] and rows[1].budget_total is None
    assert list(sort_projects(Project.objects.all(), "budget")) == [big, none]


def test_org_and_role(cast):
    project = make(cast)
    council = cast.community_council.pk
    assert filter_projects(Project.objects.all(), {"org": str(council)}).get() == project
    assert filter_projects(Project.objects.all(), {"org": str(council), "role": "implementing"})
    assert not filter_projects(Project.objects.all(), {"org": str(council), "role": "funding"})
    assert filter_projects(Project.objects.all(), {"org": str(org("สสส.").pk), "role": "lead"})
    assert filter_projects(Project.objects.all(), {"role": "funding"}).get() == project


def test_thai_digits_in_a_fiscal_year(cast):
    project = make(cast)
    assert filter_projects(Project.objects.all(), {"fy": "๒๕๖๙"}).get() == project
    assert not filter_projects(Project.objects.all(), {"fy": "2570"}).exists()


def test_lenient_mode_ignores_what_cannot_mean_anything_and_strict_mode_says_why(cast):
    make(cast)
    params = {"fy": "next year", "status": "sleeping", "theme": "nope", "area": "4x"}
    assert filter_projects(Project.objects.all(), params).count() == 1
    with pytest.raises(FilterError) as info:
        filter_projects(Project.objects.all(), params, strict=True)
    assert set(info.value.errors) == {"fy", "status", "theme", "area"}
    assert "พ.ศ." in info.value.errors["fy"]


def test_active_filters_round_trip_for_links(cast):
    f = parse_filters({"area": "40", "fy": "2568", "q": " ผู้สูงอายุ ", "page": "2"})
    assert f.active == {"area": "40", "fy": "2568", "q": "ผู้สูงอายุ"}


def test_every_sort_key_runs(cast):
    make(cast)
    for key in SORTS:
        assert sort_projects(Project.objects.all(), key).count() == 1
    assert sort_projects(Project.objects.all(), "nonsense").count() == 1
