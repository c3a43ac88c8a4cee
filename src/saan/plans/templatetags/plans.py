"""Small template filters for the joint-plan pages (reading a stage off a totals object)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def stage_of(totals: dict[str, Decimal], stage: str) -> Decimal:
    return totals.get(stage, Decimal(0))


@register.filter
def goal_total(goal: Any, stage: str) -> Decimal:
    return goal.total(stage)  # type: ignore[no-any-return]


@register.filter
def goal_share(goal: Any, stage: str) -> int:
    return goal.share(stage)  # type: ignore[no-any-return]


@register.filter
def item_share(funding: Any, stage: str) -> int:
    return funding.share(stage)  # type: ignore[no-any-return]


@register.filter
def item_gap(funding: Any, stage: str) -> Decimal | None:
    return funding.gap(stage)  # type: ignore[no-any-return]


@register.filter
def at(values: list[Any], index: int) -> Any:
    return values[index]
