"""What the detector knows about one project (no Django, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NO_AREA = "ไม่มีพื้นที่ / no area"
NO_DATES = "ไม่มีวันที่ / no dates"
BAD_DATES = "วันสิ้นสุดก่อนวันเริ่ม / ends before it starts"


@dataclass(frozen=True, slots=True)
class Facts:
    """One project as the detector sees it.

    ``subdistricts`` are 6-digit DOPA codes after expanding district- and province-wide areas to
    their subdistricts. ``text`` is the summary and objectives. ``place_names`` are the names of
    the project's areas, removed from the text before comparing (places are compared apart).
    """

    id: int
    organisations: frozenset[int]
    lead: int | None
    subdistricts: frozenset[str]
    start: date | None
    end: date | None
    title: str
    text: str
    themes: frozenset[str]
    target_groups: frozenset[str]
    place_names: tuple[str, ...] = ()


def unchecked_reason(f: Facts) -> str | None:
    """Why the project cannot be checked for overlaps (Thai / English), or None when it can."""
    if not f.subdistricts:
        return NO_AREA
    if f.start is None or f.end is None:
        return NO_DATES
    if f.end < f.start:
        return BAD_DATES
    return None
