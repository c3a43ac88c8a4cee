"""Contributions: stages, transfer chains counted once at the original source, and refusals
with Thai messages naming the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.plans import queries, services
from saan.plans.models import Contribution, ContributionKind
from saan.plans.tests.conftest import FY, source

pytestmark = pytest.mark.django_db

D = Decimal


def give(cast: Any, item: Any, who: str, actor: Any = None, **kw: Any) -> Contribution:
    kw.setdefault("fiscal_year", FY)
    return services.contribution_create(
        actor=actor or cast.admin, item=item, organisation=org(who), **kw
    )


@pytest.fixture
def chain(cast: Any, item: Any) -> dict[str, Contribution]:
    """สสส. pledges 300,000 to the item through a foundation (สช. stands in for it), which
    passes 300,000 on and has disbursed 200,000 of it, spent 150,000; พอช. adds 100,000 of
    its own."""
    amounts = {"pledged": "300,000", "committed": "300,000", "disbursed": "300000"}
    thf = give(cast, item, "สสส.", source=source(), **amounts)
    passed = {"pledged": 300000, "committed": 300000, "disbursed": 200000, "spent": 150000}
    foundation = give(cast, item, "สช.", funded_by=thf, **passed)
    codi = give(cast, item, "พอช.", pledged=100000, committed=50000)
    return {"thf": thf, "foundation": foundation, "codi": codi}


def test_totals_at_every_stage_count_a_transfer_chain_once(
    cast: Any, plan: Any, chain: dict[str, Contribution]
) -> None:
    goals, rows = queries.plan_funding(cast.coordinator, plan)
    assert queries.total(rows, "pledged") == D("400000")  # not 700,000
    assert queries.total(rows, "committed") == D("350000")
    assert queries.total(rows, "disbursed") == D("300000")  # 100,000 still at the foundation
    assert queries.total(rows, "spent") == D("150000")
    assert queries.pass_through(rows, "pledged") == D("300000")
    # Everything the foundation passes on is credited to สสส. and its budget source.
    by_org = queries.group(rows, lambda r: r.root.organisation.short_name, "pledged")
    assert by_org == {"สสส.": D("300000"), "พอช.": D("100000")}
    by_source = queries.group(rows, queries.source_name, "disbursed")
    assert by_source == {"กองทุน สสส.": D("300000")}
    first = goals[0]
    assert first.total("pledged") == D("400000")
    assert goals[1].total("pledged") == 0
    _cols, table, col_totals, grand = queries.matrix(rows, "pledged", goals)
    assert grand == D("400000")
    assert [(o.short_name, t) for o, _cells, t in table] == [
        ("สสส.", D("300000")),
        ("พอช.", D("100000")),
    ]
    assert col_totals == [D("400000"), D("0")]


def test_a_three_link_chain_still_counts_once(cast: Any, item: Any) -> None:
    a = give(cast, item, "สสส.", pledged=500000)
    b = give(cast, item, "สช.", pledged=500000, funded_by=a)
    give(cast, item, "พอช.", pledged=200000, funded_by=b)
    rows = queries.counted(Contribution.objects.filter(item=item))
    assert queries.total(rows, "pledged") == D("500000")
    assert {r.root.pk for r in rows} == {a.pk}


def test_co_investment_across_provinces_counts_once(
    cast: Any, plan: Any, chain: dict[str, Contribution]
) -> None:
    picture = queries.co_investment(cast.admin, "pledged")
    assert picture["total"] == D("400000")
    assert dict(picture["provinces"]) == {"40": D("400000")}
    assert picture["years"] == [FY]
    assert [(o.short_name, v) for o, v in picture["partners"]] == [
        ("สสส.", D("300000")),
        ("พอช.", D("100000")),
    ]
    assert picture["sources"][0][0] == "กองทุน สสส."
    # The same rule as the plan pages at every stage.
    _goals, rows = queries.plan_funding(cast.admin, plan)
    for stage in ("pledged", "committed", "disbursed", "spent"):
        picture = queries.co_investment(cast.admin, stage)
        assert picture["total"] == queries.total(rows, stage)
        assert picture["pass_through"] == queries.pass_through(rows, stage)


def test_a_transfer_cycle_is_refused(cast: Any, item: Any) -> None:
    a = give(cast, item, "สสส.", pledged=100)
    b = give(cast, item, "สช.", pledged=100, funded_by=a)
    with pytest.raises(ValidationError) as exc:
        services.contribution_update(actor=cast.admin, contribution=a, funded_by=b)
    assert "วงจร" in exc.value.message_dict["funded_by"][0]
    a.refresh_from_db()
    assert a.funded_by_id is None


def test_passing_on_more_than_the_source_gave_is_refused(cast: Any, item: Any) -> None:
    a = give(cast, item, "สสส.", pledged=100000)
    with pytest.raises(ValidationError) as exc:
        give(cast, item, "สช.", pledged=150000, funded_by=a)
    assert "ให้คำมั่น" in exc.value.message_dict["pledged"][0]
    assert not Contribution.objects.filter(organisation=org("สช.")).exists()


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"pledged": "-5"}, "pledged", "ติดลบ"),
        ({"pledged": "ห้าหมื่น"}, "pledged", "ไม่ใช่จำนวนเงิน"),
        ({"pledged": 100, "committed": 100, "disbursed": 150}, "disbursed", "ผูกพันแล้ว"),
        ({"pledged": 100, "committed": 200}, "committed", "ให้คำมั่น"),
        ({"pledged": 100, "fiscal_year": 2571}, "fiscal_year", "2569"),
        ({"pledged": 100, "kind": ContributionKind.IN_KIND}, "in_kind_type", "บุคลากร"),
    ],
)
def test_bad_amounts_are_refused_with_the_field_named(
    cast: Any, item: Any, values: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        give(cast, item, "พอช.", **values)
    assert words in " ".join(exc.value.message_dict[field])
    assert not Contribution.objects.exists()


def test_thai_digits_and_in_kind_value(cast: Any, item: Any) -> None:
    c = give(
        cast,
        item,
        "พอช.",
        kind=ContributionKind.IN_KIND,
        in_kind_type="venue",
        pledged="๑๕,๐๐๐ บาท",
    )
    assert c.pledged == D("15000.00")
    event = AuditEvent.objects.get(action="plans.contribution_create", target_id=str(c.pk))
    assert event.after["pledged"] == "15000.00"
    assert event.area_code == "40"


def test_a_focal_point_records_only_for_their_own_organisation(cast: Any, item: Any) -> None:
    mine = give(cast, item, "พอช.", actor=cast.somchai, pledged=20000)
    assert mine.created_by == cast.somchai
    with pytest.raises(PermissionDenied):
        give(cast, item, "สสส.", actor=cast.somchai, pledged=20000)
    theirs = give(cast, item, "สสส.", pledged=10)
    with pytest.raises(PermissionDenied):
        services.contribution_update(actor=cast.somchai, contribution=theirs, pledged=1)
    for someone in (cast.malee, cast.niran, cast.trat, cast.volunteer):
        with pytest.raises(PermissionDenied):
            services.contribution_update(actor=someone, contribution=mine, pledged=1)
    # The coordinator of สช. edits the plan but not พอช.'s money.
    with pytest.raises(PermissionDenied):
        services.contribution_update(actor=cast.coordinator, contribution=mine, pledged=1)
    mine.refresh_from_db()
    assert mine.pledged == D("20000")


def test_lowering_an_upstream_below_what_was_passed_on_is_refused(cast: Any, item: Any) -> None:
    a = give(cast, item, "สสส.", pledged=100000)
    give(cast, item, "สช.", pledged=80000, funded_by=a)
    with pytest.raises(ValidationError) as exc:
        services.contribution_update(actor=cast.admin, contribution=a, pledged=50000)
    assert "pledged" in exc.value.message_dict


def test_unfunded_items(cast: Any, plan: Any, chain: dict[str, Contribution]) -> None:
    goals, _rows = queries.plan_funding(cast.coordinator, plan)
    assert [i.item.title for i in queries.unfunded(goals)] == ["สวัสดิการชุมชนครอบคลุมทุกวัย"]


def test_moving_money_on_is_audited_with_before_and_after(cast: Any, item: Any) -> None:
    c = give(cast, item, "พอช.", actor=cast.somchai, pledged=80000)
    services.contribution_update(
        actor=cast.somchai, contribution=c, committed="80,000", disbursed="30,000"
    )
    event = AuditEvent.objects.get(action="plans.contribution_update", target_id=str(c.pk))
    assert event.actor == cast.somchai
    assert (event.before["disbursed"], event.after["disbursed"]) == ("0.00", "30000.00")
    assert event.area_code == "40"
    services.contribution_remove(actor=cast.somchai, contribution=c)
    assert AuditEvent.objects.filter(action="plans.contribution_remove").count() == 1
    assert not Contribution.objects.filter(pk=c.pk).exists()
