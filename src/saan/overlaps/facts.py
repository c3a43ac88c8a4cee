"""What the detector compares, read from the work register in a fixed number of queries.

``load_facts`` turns projects into ``detector.Facts``: organisations taking part, the lead
(owner), the subdistricts the project reaches after expanding district- and province-wide
areas (one query for every subdistrict under the prefixes that occur), dates, title and text,
theme and target-group slugs, and the names of the project's places (so the detector can take
them out of the text: places are compared as codes). One query per table for any number of
projects; never one per project.

Cancelled projects are not work anyone does, so they are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from saan.areas.models import Area, Level
from saan.overlaps.detector import Facts
from saan.projects import queries as project_queries
from saan.projects.models import (
    Project,
    ProjectArea,
    ProjectOrganisation,
    ProjectTarget,
    Status,
    TargetGroup,
    Theme,
)

CHUNK = 900  # ids per IN (...) list: under SQLite's and PostgreSQL's parameter limits


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Places:
    """Subdistricts under district and province codes, and area names, read once."""

    def __init__(self, codes: Iterable[str]) -> None:
        codes = set(codes)
        wide = {c for c in codes if len(c) < 6}
        self.under: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, str] = {}
        provinces = sorted({c[:2] for c in codes})
        if wide:
            # One pass: every subdistrict of the provinces involved (at most 7,436 rows).
            q = Q()
            for p in provinces:
                q |= Q(code__startswith=p)
            rows = (
                Area.objects.filter(q, level=Level.SUBDISTRICT)
                if len(provinces) < 40
                else (Area.objects.filter(level=Level.SUBDISTRICT))
            )
            for code in rows.values_list("code", flat=True):
                for prefix in (code[:2], code[:4]):
                    if prefix in wide:
                        self.under[prefix].append(code)
        wanted = {c[:n] for c in codes for n in (2, 4, 6) if n <= len(c)}
        if len(wanted) > 3000:
            names = Area.objects.values_list("code", "name_th")
        else:
            names = Area.objects.filter(code__in=sorted(wanted)).values_list("code", "name_th")
        self.names = dict(names)

    def expand(self, code: str) -> list[str]:
        return [code] if len(code) == 6 else self.under.get(code, [])

    def place_names(self, codes: Iterable[str]) -> tuple[str, ...]:
        found: set[str] = set()
        for c in codes:
            for n in (2, 4, 6):
                if n <= len(c) and c[:n] in self.names:
                    found.add(self.names[c[:n]])
        return tuple(sorted(found, key=len, reverse=True))


def _rows(
    queryset: QuerySet[Any], ids: Sequence[int] | None, fields: tuple[str, ...]
) -> Iterable[Any]:
    """``values_list`` of a per-project table, for the given projects (chunked) or all."""
    if ids is None:
        yield from queryset.values_list(*fields)
        return
    for chunk in _chunks(ids):
        yield from queryset.filter(project_id__in=chunk).values_list(*fields)


def load_facts(
    *,
    area_code: str | None = None,
    fiscal_year: int | None = None,
    ids: Iterable[int] | None = None,
) -> list[Facts]:
    """Facts of every non-cancelled project reaching ``area_code`` ("" or None: everywhere),
    running in ``fiscal_year`` (พ.ศ.; projects without dates are kept so they are reported as
    "cannot be checked"), or with the given ``ids``."""
    projects = Project.objects.exclude(status=Status.CANCELLED)
    id_list: list[int] | None = None
    if ids is not None:
        id_list = sorted(set(ids))
    if area_code:
        projects = projects.filter(project_queries.reaches_q(area_code))
    if fiscal_year is not None:
        projects = projects.filter(
            Q(fy_start__lte=fiscal_year, fy_end__gte=fiscal_year) | Q(fy_start__isnull=True)
        )
    fields = ("pk", "owner_id", "title", "summary", "objectives", "start_date", "end_date")
    base: list[tuple[Any, ...]] = []
    if id_list is not None:
        for chunk in _chunks(id_list):
            base.extend(projects.filter(pk__in=chunk).values_list(*fields))
    else:
        base = list(projects.order_by().values_list(*fields))
    if not base:
        return []
    wanted = sorted(row[0] for row in base)
    # A whole-table read is cheaper than thousands of IN lists when most projects are wanted.
    subset: list[int] | None = wanted
    if id_list is None and area_code in (None, "") and fiscal_year is None:
        subset = None
    keep = set(wanted)

    areas: dict[int, list[str]] = defaultdict(list)
    for pid, code in _rows(ProjectArea.objects.order_by(), subset, ("project_id", "area_id")):
        if pid in keep:
            areas[pid].append(code)
    orgs: dict[int, set[int]] = defaultdict(set)
    for pid, org in _rows(
        ProjectOrganisation.objects.order_by(), subset, ("project_id", "organisation_id")
    ):
        if pid in keep:
            orgs[pid].add(org)
    theme_slug = dict(Theme.objects.values_list("pk", "slug"))
    themes: dict[int, set[str]] = defaultdict(set)
    through = Project.themes.through.objects.order_by()
    for pid, theme_id in _rows(through, subset, ("project_id", "theme_id")):
        if pid in keep:
            themes[pid].add(theme_slug[theme_id])
    group_slug = dict(TargetGroup.objects.values_list("pk", "slug"))
    groups: dict[int, set[str]] = defaultdict(set)
    for pid, group_id in _rows(
        ProjectTarget.objects.order_by(), subset, ("project_id", "target_group_id")
    ):
        if pid in keep:
            groups[pid].add(group_slug[group_id])

    places = Places(c for codes in areas.values() for c in codes)
    facts = []
    for pid, owner_id, title, summary, objectives, start, end in base:
        codes = areas.get(pid, [])
        subdistricts = frozenset(s for c in codes for s in places.expand(c))
        facts.append(
            Facts(
                id=pid,
                organisations=frozenset(orgs.get(pid, set()) | {owner_id}),
                lead=owner_id,
                subdistricts=subdistricts,
                start=start,
                end=end,
                title=title,
                text="\n".join(t for t in (summary, objectives) if t),
                themes=frozenset(themes.get(pid, set())),
                target_groups=frozenset(groups.get(pid, set())),
                place_names=places.place_names(codes),
            )
        )
    facts.sort(key=lambda f: f.id)
    return facts


def facts_from_values(
    *,
    pk: int,
    owner_id: int | None,
    title: str,
    text: str,
    start: dt.date | None,
    end: dt.date | None,
    area_codes: Sequence[str],
    theme_ids: Iterable[int] = (),
    target_group_ids: Iterable[int] = (),
    organisation_ids: Iterable[int] = (),
) -> Facts:
    """Facts for a project that is not saved yet (the form's current data)."""
    places = Places(area_codes)
    theme_slug = dict(Theme.objects.filter(pk__in=list(theme_ids)).values_list("pk", "slug"))
    group_slug = dict(
        TargetGroup.objects.filter(pk__in=list(target_group_ids)).values_list("pk", "slug")
    )
    orgs = set(organisation_ids) | ({owner_id} if owner_id else set())
    return Facts(
        id=pk,
        organisations=frozenset(orgs),
        lead=owner_id,
        subdistricts=frozenset(s for c in area_codes for s in places.expand(c)),
        start=start,
        end=end,
        title=title,
        text=text,
        themes=frozenset(theme_slug.values()),
        target_groups=frozenset(group_slug.values()),
        place_names=places.place_names(area_codes),
    )


def fingerprint(facts: Facts) -> str:
    """A digest of a project's material facts: places, dates, wording, themes, target groups.
    Who takes part, budgets, contacts and status are not material to "is this the same work"."""
    material = {
        "s": sorted(facts.subdistricts),
        "d": [
            facts.start.isoformat() if facts.start else "",
            facts.end.isoformat() if facts.end else "",
        ],
        "t": " ".join(facts.title.split()),
        "x": " ".join(facts.text.split()),
        "th": sorted(facts.themes),
        "tg": sorted(facts.target_groups),
    }
    raw = json.dumps(material, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def candidate_ids(facts: Facts, *, window_days: int = 62) -> list[int]:
    """Projects that share at least one subdistrict with ``facts`` (directly, or through a
    district- or province-wide area) and whose dates come within ``window_days`` of it (so yearly
    continuations, which do not share a day, are still looked at)."""
    if not facts.subdistricts:
        return []
    subs = sorted(facts.subdistricts)
    upper = sorted({s[:4] for s in subs} | {s[:2] for s in subs})
    ids: set[int] = set()
    projects = Project.objects.exclude(status=Status.CANCELLED)
    if facts.start and facts.end:
        projects = projects.filter(
            Q(start_date__isnull=True)
            | Q(start_date__lte=facts.end + dt.timedelta(days=window_days)),
            Q(end_date__isnull=True)
            | Q(end_date__gte=facts.start - dt.timedelta(days=window_days)),
        )
    for chunk in _chunks([*subs, *upper]):
        rows = ProjectArea.objects.filter(area_id__in=chunk, project__in=projects)
        ids.update(rows.values_list("project_id", flat=True))
    ids.discard(facts.id)
    return sorted(ids)
