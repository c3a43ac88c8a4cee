"""Exports of a joint plan: a CSV and an XLSX of the contributions (one row each, with what is
counted after transfers), and an IATI-style activity JSON for the plan items.

Every text cell goes through ``core.spreadsheets.safe_cell``: a partner's name or a note that
starts with ``=`` arrives as text, never as a formula.

IATI mapping (activity standard 2.03, as JSON; see docs/joint-plans.md):

- one ``activity`` per plan item, ``iati-identifier`` ``SAAN-PLAN-<plan>-<item>``;
- ``participating-org`` roles: lead → 2 Accountable, partner and technical → 4 Implementing,
  funder and every original source of money → 1 Funding, an organisation that passes money on
  → 3 Extending;
- ``transaction`` per contribution and stage, counted once at the original source (the
  provider is the organisation at the top of the transfer chain, the receiver the one that
  recorded it): pledged → 13 Outgoing Pledge, committed → 2 Outgoing Commitment, disbursed → 3
  Disbursement, spent → 4 Expenditure; value in THB dated the last day of the fiscal year;
- ``budget`` per fiscal year of the plan (the item's need spread evenly), status 2 Committed
  when the plan version is agreed, 1 Indicative otherwise;
- ``related-activity`` type 2 (child) for each delivering project of the register.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from saan.core.spreadsheets import csv_bytes, safe_cell
from saan.core.thai import fiscal_year_range
from saan.plans.models import STAGES, ItemRole, Plan, PlanStatus
from saan.plans.queries import Counted, GoalFunding, source_name

HEADER = [
    "plan_id",
    "area_code",
    "goal",
    "item_id",
    "item",
    "contribution_id",
    "organisation",
    "original_source_organisation",
    "budget_source",
    "kind",
    "in_kind_type",
    "fiscal_year",
    "pledged",
    "committed",
    "disbursed",
    "spent",
    "counted_pledged",
    "counted_committed",
    "counted_disbursed",
    "counted_spent",
    "funded_by",
    "note",
]


def rows(plan: Plan, goals: list[GoalFunding], counted_rows: list[Counted]) -> list[list[Any]]:
    goal_of = {i.item.pk: (g.goal.title if g.goal else "") for g in goals for i in g.items}
    out = []
    for r in counted_rows:
        c = r.contribution
        out.append(
            [
                plan.pk,
                plan.area_id,
                goal_of.get(c.item_id, ""),
                c.item_id,
                c.item.title,
                c.pk,
                c.organisation.name_th,
                r.root.organisation.name_th,
                source_name(r),
                c.kind,
                c.in_kind_type,
                c.fiscal_year,
                *[getattr(c, s) for s in STAGES],
                *[r.amounts[s] for s in STAGES],
                c.funded_by_id or "",
                c.note,
            ]
        )
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return safe_cell(value)


def csv_response(plan: Plan, table: list[list[Any]]) -> HttpResponse:
    content = csv_bytes([HEADER, *([_cell(v) for v in row] for row in table)])
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-contributions.csv"'
    return response


def xlsx_response(plan: Plan, table: list[list[Any]]) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("contributions")
    sheet.append(HEADER)
    for row in table:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-contributions.xlsx"'
    return response


ROLE_CODES = {
    ItemRole.LEAD: "2",
    ItemRole.PARTNER: "4",
    ItemRole.TECHNICAL: "4",
    ItemRole.FUNDER: "1",
}
TRANSACTION_TYPES = {"pledged": "13", "committed": "2", "disbursed": "3", "spent": "4"}


def _org(org: Any, role: str) -> dict[str, Any]:
    return {
        "ref": f"SAAN-ORG-{org.pk}",
        "role": role,
        "narrative": org.name_th,
        "narrative_en": org.name_en,
    }


def iati(plan: Plan, goals: list[GoalFunding]) -> dict[str, Any]:
    years = plan.fiscal_years
    activities = []
    for g in goals:
        for f in g.items:
            item = f.item
            orgs: dict[tuple[int, str], dict[str, Any]] = {}
            for r in item.roles.all():
                code = ROLE_CODES[ItemRole(r.role)]
                orgs[(r.organisation_id, code)] = _org(r.organisation, code)
            transactions = []
            for row in f.contributions:
                c = row.contribution
                orgs.setdefault((row.root.organisation_id, "1"), _org(row.root.organisation, "1"))
                if c.passed_on.exists() or c.funded_by_id:
                    orgs.setdefault((c.organisation_id, "3"), _org(c.organisation, "3"))
                for stage in STAGES:
                    amount = row.amounts[stage]
                    if not amount:
                        continue
                    transactions.append(
                        {
                            "ref": f"SAAN-CONTRIB-{c.pk}-{stage}",
                            "transaction-type": TRANSACTION_TYPES[stage],
                            "saan-stage": stage,
                            "transaction-date": fiscal_year_range(c.fiscal_year)[1].isoformat(),
                            "value": {
                                "amount": str(amount),
                                "currency": "THB",
                                "value-date": fiscal_year_range(c.fiscal_year)[1].isoformat(),
                            },
                            "provider-org": _org(row.root.organisation, "1"),
                            "receiver-org": _org(c.organisation, "3" if c.funded_by_id else "4"),
                            "finance-type": "in-kind" if c.kind == "in_kind" else "cash",
                            "budget-source": source_name(row),
                            "fiscal-year": c.fiscal_year,
                        }
                    )
            budgets = []
            if item.budget_needed:
                share = (item.budget_needed / len(years)).quantize(Decimal("0.01"))
                for y in years:
                    start, end = fiscal_year_range(y)
                    budgets.append(
                        {
                            "type": "2" if plan.version > 1 else "1",
                            "status": "2" if plan.status == PlanStatus.AGREED else "1",
                            "period-start": start.isoformat(),
                            "period-end": end.isoformat(),
                            "value": {"amount": str(share), "currency": "THB"},
                        }
                    )
            start, _ = fiscal_year_range(plan.fiscal_year)
            _s, end = fiscal_year_range(plan.fiscal_year_end)
            activities.append(
                {
                    "iati-identifier": f"SAAN-PLAN-{plan.pk}-{item.pk}",
                    "title": {"narrative": item.title},
                    "description": {"narrative": item.description},
                    "activity-status": "2" if plan.status == PlanStatus.AGREED else "1",
                    "activity-date": [
                        {"type": "1", "iso-date": start.isoformat()},
                        {"type": "3", "iso-date": end.isoformat()},
                    ],
                    "recipient-country": {"code": "TH"},
                    "location": [{"ref": a.code, "name": a.full_name} for a in item.areas.all()]
                    or [{"ref": plan.area_id, "name": plan.area.full_name}],
                    "sector": {"narrative": g.goal.title if g.goal else ""},
                    "participating-org": list(orgs.values()),
                    "result-indicators": [
                        {
                            "ref": x.indicator.code,
                            "title": x.indicator.name_th,
                            "target": None if x.target is None else str(x.target.normalize()),
                        }
                        for x in item.indicators.all()
                    ],
                    "budget": budgets,
                    "transaction": transactions,
                    "related-activity": [
                        {"ref": f"SAAN-PROJECT-{p.pk}", "type": "2", "title": p.title}
                        for p in item.projects.all()
                    ],
                }
            )
    return {
        "version": "2.03",
        "generator": "Saan (saan.plans)",
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "area": plan.area_id,
            "fiscal_years": years,
            "version": plan.version,
            "status": plan.status,
        },
        "iati-activities": activities,
    }
