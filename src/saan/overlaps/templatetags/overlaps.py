"""Overlaps on other apps' pages: ``{% include "overlaps/includes/project_panel.html" %}`` on a
page with ``project`` in its context shows the project's joint work (linked, merged, agreed
who continues), visible to whoever sees the project, and open findings to those who may see
them."""

from __future__ import annotations

from typing import Any

from django import template

from saan.overlaps import queries
from saan.overlaps.models import FindingState
from saan.projects import queries as project_queries

register = template.Library()


@register.inclusion_tag("overlaps/_project_panel.html", takes_context=True)
def overlaps_for_project(context: Any, project: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    decided = list(queries.joint_work(project))
    other_ids = [
        f.project_b_id if f.project_a_id == project.pk else f.project_a_id for f in decided
    ]
    visible = {
        p.pk: p
        for p in project_queries.visible_to(user).select_related("owner").filter(pk__in=other_ids)
    }
    joint = []
    for f, other in zip(decided, other_ids, strict=True):
        detail = f.decision_detail or {}
        joint.append(
            {
                "finding": f,
                "other": visible.get(other),
                "absorbed_here": detail.get("absorbed") == project.pk,
                "continues_here": detail.get("continues") == project.pk,
            }
        )
    open_ = []
    if getattr(user, "is_authenticated", False):
        open_ = list(
            queries.for_project(user, project).filter(
                state__in=[FindingState.SUGGESTED, FindingState.CONFIRMED], is_current=True
            )[:10]
        )
    return {"joint": joint, "open": open_}
