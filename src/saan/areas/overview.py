"""The national overview: the 77 provinces on a tile grid, marked by programme phase."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr

from saan.areas.models import Area, AreaGroup, AreaGroupMember, GroupKind, Level


@cache
def tile_layout() -> dict[str, Any]:
    """Grid positions of the provinces, from ``areas/data/province_tiles.json``."""
    text = files("saan.areas").joinpath("data/province_tiles.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass
class ProvinceTile:
    area: Area
    col: int
    row: int
    phase: AreaGroup | None = None
    phase_index: int = 0  # 1 for the programme's first phase, 2 for the second, …
    mentor: Area | None = None
    mentees: list[Area] = field(default_factory=list)
    zone: AreaGroup | None = None
    district_count: int = 0
    subdistrict_count: int = 0


def programme_phases(programme: AreaGroup | None = None) -> list[AreaGroup]:
    """The phases of a programme (by default the first programme), in order."""
    if programme is None:
        programme = (
            AreaGroup.objects.filter(kind=GroupKind.PROGRAMME).order_by("sort_order").first()
        )
    if programme is None:
        return []
    return list(
        programme.subgroups.filter(kind=GroupKind.PROGRAMME_PHASE).order_by(
            "sort_order", "starts_on"
        )
    )


_COUNTS: tuple[int, dict[str, dict[str, int]]] | None = None


def _counts_by_province(total_areas: int) -> dict[str, dict[str, int]]:
    """Districts and subdistricts per province, grouped in the database and kept per process:
    they change only when ``load_areas`` loads a new tree (then the area count changes)."""
    global _COUNTS
    if _COUNTS is None or _COUNTS[0] != total_areas:
        counts: dict[str, dict[str, int]] = {}
        rows = (
            Area.objects.exclude(level=Level.PROVINCE)
            .annotate(province=Substr("code", 1, 2))
            .values("province", "level")
            .annotate(n=Count("code"))
            .order_by()
        )
        for row in rows:
            counts.setdefault(row["province"], {"district": 0, "subdistrict": 0})[row["level"]] = (
                row["n"]
            )
        _COUNTS = (total_areas, counts)
    return _COUNTS[1]


def province_tiles() -> tuple[list[ProvinceTile], list[AreaGroup]]:
    """Every province with its grid cell, phase, mentor, mentees and health zone."""
    layout = tile_layout()["tiles"]
    provinces = {a.code: a for a in Area.objects.provinces()}
    counts = _counts_by_province(Area.objects.count())
    tiles = {
        code: ProvinceTile(
            area=area,
            col=layout.get(code, {}).get("col", 1),
            row=layout.get(code, {}).get("row", 1),
            district_count=counts.get(code, {}).get("district", 0),
            subdistrict_count=counts.get(code, {}).get("subdistrict", 0),
        )
        for code, area in provinces.items()
    }
    phases = programme_phases()
    members = AreaGroupMember.objects.filter(group__in=phases).select_related("group", "mentor")
    order = {g.pk: i + 1 for i, g in enumerate(phases)}
    for m in members:
        tile = tiles.get(m.area_id)
        if tile is None:
            continue
        tile.phase, tile.phase_index = m.group, order[m.group_id]
        if m.mentor_id:
            tile.mentor = provinces.get(m.mentor_id)
            if m.mentor_id in tiles:
                tiles[m.mentor_id].mentees.append(tile.area)
    zones = AreaGroupMember.objects.filter(group__kind=GroupKind.HEALTH_ZONE).select_related(
        "group"
    )
    for z in zones:
        if z.area_id in tiles:
            tiles[z.area_id].zone = z.group
    return sorted(tiles.values(), key=lambda t: t.area.code), phases
