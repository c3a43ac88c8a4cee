"""Reads of the area tree: name search the way people write places, children with counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from rapidfuzz import fuzz, process

from saan.areas.models import Area, AreaGroup, Level
from saan.core.thai import fold, normalise_digits, split_place_query

LEVEL_ORDER = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.SUBDISTRICT: 2}
# Short names people use that no official name starts with.
ALIASES = {"กทม": "กรุงเทพมหานคร", "bkk": "bangkok", "โคราช": "นครราชสีมา"}


@dataclass(frozen=True)
class AreaMatch:
    """One search result. ``fuzzy`` marks a guess from a misspelling, shown as such."""

    area: Area
    rank: int  # 0 exact name, 1 name starts with the query, 2 contains it, 3 fuzzy
    score: float = 100.0

    @property
    def fuzzy(self) -> bool:
        return self.rank == 3


def _names(area: Area) -> tuple[str, str]:
    th, _, en = area.search_key.partition("|")
    return th, en


def _part_matches(part: str, area: Area) -> bool:
    """Whether a qualifier such as ``เมือง``, ``ขอนแก่น`` or ``kaen`` names this area. Contains,
    not starts-with: English names arrive split into words ("khon kaen")."""
    return any(part in name for name in _names(area))


def _rank(part: str, area: Area) -> int:
    names = _names(area)
    if part in names:
        return 0
    if any(n.startswith(part) for n in names):
        return 1
    return 2


def _with_ancestors(candidates: list[Area]) -> dict[str, Area]:
    codes = {c for a in candidates for c in a.ancestor_codes}
    return {a.code: a for a in Area.objects.filter(code__in=codes)}


def _search_parts(parts: list[str], base: Q, limit: int) -> list[AreaMatch]:
    """Treat each part in turn as the area's own name and the others as places above it:
    ``สาวะถี อ.เมือง ขอนแก่น`` and ``ขอนแก่น เมือง สาวะถี`` find the same subdistrict."""
    for i, main in enumerate(parts):
        qualifiers = parts[:i] + parts[i + 1 :]
        candidates = list(Area.objects.filter(base, search_key__contains=main)[:2000])
        if not candidates:
            continue
        if qualifiers:
            above = _with_ancestors(candidates)
            kept = []
            for area in candidates:
                ancestors = [above[c] for c in area.ancestor_codes if c in above]
                if all(any(_part_matches(q, a) for a in ancestors) for q in qualifiers):
                    kept.append(area)
            candidates = kept
        if candidates:
            matches = [AreaMatch(a, _rank(main, a)) for a in candidates]
            matches.sort(key=lambda m: (m.rank, LEVEL_ORDER[Level(m.area.level)], m.area.code))
            return matches[:limit]
    return []


_FUZZY_INDEX: tuple[list[str], list[str]] | None = None


def _fuzzy_index() -> tuple[list[str], list[str]]:
    """(codes, folded Thai names) of every area, for misspelling look-ups; built once per
    process (8,441 short strings), and not kept while the tree is still empty."""
    global _FUZZY_INDEX
    if _FUZZY_INDEX is None:
        rows = list(Area.objects.values_list("code", "search_key"))
        index = ([r[0] for r in rows], [r[1].partition("|")[0] for r in rows])
        if not rows:
            return index
        _FUZZY_INDEX = index
    return _FUZZY_INDEX


def search_areas(
    query: str,
    *,
    level: str | None = None,
    within: str | None = None,
    limit: int = 20,
    fuzzy: bool = True,
) -> list[AreaMatch]:
    """Areas whose name matches what a person typed: ``ต.สาวะถี``, ``ตำบลสาวะถี``,
    ``สาวะถี อ.เมือง ขอนแก่น``, Thai digits, English names, Bangkok's เขต/แขวง, a code or its
    start. Exact names rank first, then names that start with the query, then the rest; with
    no match at all, close spellings are offered and marked ``fuzzy``.
    """
    text = normalise_digits(query).strip()
    if not text:
        return []
    base = Q()
    if level:
        base &= Q(level=level)
    if within:
        base &= Q(code__startswith=within)
    compact = text.replace(" ", "")
    if compact.isdigit():
        areas = Area.objects.filter(base, code__startswith=compact).order_by("code")[:limit]
        return [AreaMatch(a, 0 if a.code == compact else 1) for a in areas]
    parts = [ALIASES.get(p, p) for p in split_place_query(text)]
    if not parts:
        return []
    found = _search_parts(parts, base, limit)
    if found or not fuzzy:
        return found
    return _fuzzy(fold(parts[0]), base, limit)


def _fuzzy(part: str, base: Q, limit: int) -> list[AreaMatch]:
    if len(part) < 3:
        return []
    codes, names = _fuzzy_index()
    hits = process.extract(part, names, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75)
    by_code = {codes[i]: score for _, score, i in hits}
    areas = Area.objects.filter(base, code__in=list(by_code))
    matches = [AreaMatch(a, 3, by_code[a.code]) for a in areas]
    matches.sort(key=lambda m: (-m.score, LEVEL_ORDER[Level(m.area.level)], m.area.code))
    return matches[:limit]


def children_with_counts(area: Area | None) -> list[Area]:
    """The areas directly under ``area`` (the provinces for None), each annotated with
    ``child_count``."""
    qs = Area.objects.filter(parent=area) if area else Area.objects.provinces()
    return list(qs.annotate(child_count=Count("children")).order_by("code"))


def groups_of(area: Area) -> list[AreaGroup]:
    """The groups this area, or the province or district above it, belongs to."""
    codes = [*area.ancestor_codes, area.code]
    return list(
        AreaGroup.objects.filter(members__area_id__in=codes)
        .distinct()
        .order_by("kind", "sort_order")
    )
