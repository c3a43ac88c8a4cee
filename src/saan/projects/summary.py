"""The work register summed per area: what the "who does what here" panel reads.

``WorkSummary`` holds, for every area X that has work inside it (a project area equal to X or
under it) and every visibility, the number of such projects and their budget; for provinces and
districts also per organisation taking part, per organisation × theme, per theme, the budget
lines per source × fiscal year, and per fiscal year the projects spanning it (a subdistrict has
few projects: its page counts them directly).
A project is counted once per X however many of its areas lie inside X, so the figures are
exact distinct counts, not sums of children.

The services keep it in step inside the transaction that changes projects: ``refresh(codes)``
recomputes the rows of the given areas from the project tables with one grouped ``INSERT …
SELECT`` per kind of row (the same SQL on SQLite and PostgreSQL). Nothing is cached outside the
database, so nothing can go stale: a project change and its summary commit or roll back
together. ``rebuild()`` recomputes everything (after a raw load, or to check).

Both also move ``WorkVersion`` (``bump_version``) in the same transaction: every write that can
change what the register's pages show refreshes the summary, so the pages' cached fragments
(``core.fragments``, keyed on ``version()``) are drawn afresh the moment it commits.

Refreshes are serialised (PostgreSQL: a transaction-level advisory lock; SQLite has one writer
anyway), so two transactions never rewrite the same area's rows at once.
"""

# ruff: noqa: S608 - the SQL is built from model table names and constants; values are params

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection
from django.db.models import Q

from saan.core import versions
from saan.projects.models import (
    BudgetLine,
    Project,
    ProjectArea,
    ProjectOrganisation,
    WorkSummary,
    WorkVersion,
)

LOCK_KEY = 7_240_401  # any constant shared by every refresh
CODE_LENGTHS = (2, 4, 6)
# Above this many areas, whole provinces are refreshed (or everything, above that many).
FULL_REBUILD_ABOVE = 300
PROVINCES_AT_ONCE = 20
# Organisation, theme and budget rows are kept for areas with codes this long at most
# (provinces and districts); subdistricts keep their project count only.
DETAILED_UP_TO = 4
# The fiscal years (พ.ศ.) the list's ``fy`` filter accepts (``filters.parse_filters``).
YEARS = range(2500, 2701)


def reach_codes(area_codes: Iterable[str]) -> set[str]:
    """Every area a project with these areas counts in: each area and its ancestors."""
    return {code[:n] for code in area_codes for n in CODE_LENGTHS if len(code) >= n}


def code_range(code: str) -> tuple[str, str]:
    """The codes under (or equal to) ``code`` as a range ``low <= c <= high``: area codes are
    digit strings of 2, 4 or 6, so this is the prefix test, and a plain index answers it."""
    return code, code + "9" * (6 - len(code))


def bump_version() -> None:
    """Count this transaction's change in ``WorkVersion`` (see there)."""
    versions.bump(WorkVersion)


def version() -> tuple[str, int]:
    """The committed version of the work register: the row's token and counter (("", 0)
    before any change)."""
    return versions.read(WorkVersion)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _reach_sql(codes: list[str] | None, subtrees: list[str] | None) -> tuple[str, list[str]]:
    """SELECT project_id, code: each project with every area X it has work inside, once per
    (project, X). X ranges over ``codes`` (exactly those areas), or every area under
    ``subtrees`` (province codes), or with neither every area."""
    qn = connection.ops.quote_name
    pa = qn(ProjectArea._meta.db_table)
    parts: list[str] = []
    params: list[str] = []
    for n in CODE_LENGTHS:
        column = "pa.area_id" if n == 6 else f"SUBSTR(pa.area_id, 1, {n})"
        where = f"LENGTH(pa.area_id) >= {n}"
        if codes is not None:
            wanted = sorted(c for c in codes if len(c) == n)
        elif subtrees is not None:
            wanted = sorted(subtrees)
        else:
            wanted = None
        if wanted is not None:
            if not wanted:
                continue
            ranges = []
            for code in wanted:
                ranges.append("pa.area_id BETWEEN %s AND %s")
                params += code_range(code)
            where += " AND (" + " OR ".join(ranges) + ")"
        parts.append(
            f"SELECT DISTINCT pa.project_id AS project_id, {column} AS code FROM {pa} pa "
            f"WHERE {where}"
        )
    if not parts:
        parts.append(
            f"SELECT pa.project_id AS project_id, pa.area_id AS code FROM {pa} pa WHERE 1 = 0"
        )
    return " UNION ".join(parts), params


REACH = "saan_work_reach"
ORGS = "saan_work_orgs"


def _fill(codes: list[str] | None, subtrees: list[str] | None) -> None:
    """Insert the summary rows of the areas chosen (see ``_reach_sql``), which must have none.

    Two temporary tables carry the shared part once: (project, area, visibility, project
    total) for every project with work inside each area, and the distinct (project,
    organisation) pairs of those projects; five grouped INSERT … SELECTs read them."""
    qn = connection.ops.quote_name
    summary = qn(WorkSummary._meta.db_table)
    project = qn(Project._meta.db_table)
    lines = qn(BudgetLine._meta.db_table)
    roles = qn(ProjectOrganisation._meta.db_table)
    themes = qn(Project.themes.through._meta.db_table)
    reach, params = _reach_sql(codes, subtrees)
    insert = (
        f"INSERT INTO {summary} (area_code, visibility, kind, organisation_id, theme_id, "
        "fiscal_year, count, budget) "
    )
    theme = f"LEFT JOIN {themes} pt ON pt.project_id = r.project_id "
    org = f"JOIN {ORGS} o ON o.project_id = r.project_id "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and codes is None:
            # Whole provinces or everything: let the grouping hash in memory rather than sort
            # on disk (PostgreSQL's default is 4 MB). For this transaction only.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for table in (REACH, ORGS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {REACH} AS "
            f"WITH reach AS ({reach}), "
            f"tot AS (SELECT project_id, SUM(amount) AS total FROM {lines} "
            "WHERE project_id IN (SELECT project_id FROM reach) GROUP BY project_id) "
            "SELECT r.project_id AS project_id, r.code AS code, p.visibility AS visibility, "
            "COALESCE(t.total, 0) AS total, p.fy_start AS fy_start, p.fy_end AS fy_end "
            f"FROM reach r JOIN {project} p ON p.id = r.project_id "
            "LEFT JOIN tot t ON t.project_id = r.project_id",
            params,
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {ORGS} AS SELECT DISTINCT project_id, organisation_id "
            f"FROM {roles} WHERE project_id IN (SELECT project_id FROM {REACH})"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {REACH}")
            cursor.execute(f"ANALYZE {ORGS}")
        detailed = f"WHERE LENGTH(r.code) <= {DETAILED_UP_TO} "
        selects = [
            # T: projects with work inside the area (every level: a district's page shades
            # its subdistricts by these).
            f"SELECT code, visibility, 'T', 0, 0, 0, COUNT(*), SUM(total) FROM {REACH} "
            "GROUP BY code, visibility",
            # The rest for provinces and districts only: a subdistrict's few projects are
            # counted on its page directly.
            # O: per organisation taking part (any role, counted once).
            f"SELECT r.code, r.visibility, 'O', o.organisation_id, 0, 0, COUNT(*), "
            f"SUM(r.total) FROM {REACH} r {org}{detailed}"
            "GROUP BY r.code, r.visibility, o.organisation_id",
            # C: per organisation × theme (0: the project names no theme).
            f"SELECT r.code, r.visibility, 'C', o.organisation_id, COALESCE(pt.theme_id, 0), "
            f"0, COUNT(*), SUM(r.total) FROM {REACH} r {org}{theme}{detailed}"
            "GROUP BY r.code, r.visibility, o.organisation_id, COALESCE(pt.theme_id, 0)",
            # H: per theme (0: no theme).
            f"SELECT r.code, r.visibility, 'H', 0, COALESCE(pt.theme_id, 0), 0, COUNT(*), "
            f"SUM(r.total) FROM {REACH} r {theme}{detailed}"
            "GROUP BY r.code, r.visibility, COALESCE(pt.theme_id, 0)",
            # B: budget lines per source (0: none given) × fiscal year; count = lines.
            f"SELECT r.code, r.visibility, 'B', COALESCE(b.source_id, 0), 0, b.fiscal_year, "
            f"COUNT(*), SUM(b.amount) FROM {REACH} r JOIN {lines} b ON b.project_id = r.project_id "
            f"{detailed}GROUP BY r.code, r.visibility, COALESCE(b.source_id, 0), b.fiscal_year",
        ]
        years = _years_sql(cursor)
        if years:
            # Y: per fiscal year, the projects whose span includes it (the list's ``fy``
            # filter), with their whole budget (the list's total). A project without both
            # fiscal years is in none.
            selects.append(
                f"SELECT r.code, r.visibility, 'Y', 0, 0, y.year, COUNT(*), SUM(r.total) "
                f"FROM {REACH} r JOIN ({years}) y ON y.year BETWEEN r.fy_start AND r.fy_end "
                f"{detailed}GROUP BY r.code, r.visibility, y.year"
            )
        for select in selects:
            cursor.execute(insert + select)
        for table in (REACH, ORGS):
            cursor.execute(f"DROP TABLE {table}")


def _years_sql(cursor: Any) -> str:
    """``SELECT … AS year`` rows for every fiscal year a project in the reach table spans ("" for
    none): a plain UNION of constants, the same SQL on SQLite and PostgreSQL. Only the years the
    list's ``fy`` filter accepts (``YEARS``) get rows."""
    cursor.execute(
        f"SELECT MIN(fy_start), MAX(fy_end) FROM {REACH} "
        "WHERE fy_start IS NOT NULL AND fy_end IS NOT NULL"
    )
    first, last = cursor.fetchone()
    if first is None or last is None:
        return ""
    wanted = range(max(int(first), YEARS[0]), min(int(last), YEARS[-1]) + 1)
    return " UNION ALL ".join(f"SELECT {year} AS year" for year in wanted)


_deferred: ContextVar[set[str] | None] = ContextVar("saan_work_summary_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the refreshes asked for inside the block and run them once at its end (an
    import saves its projects in chunks; the summary is refreshed once, in the same
    transaction). Nothing is refreshed when the block raises: its transaction rolls back."""
    collected: set[str] = set()
    token = _deferred.set(collected)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(collected)


def refresh(codes: Iterable[str]) -> None:
    """Recompute the summary rows of these areas (give every area whose figures may have
    changed: ``reach_codes`` of a project's old and new areas). Call inside the transaction
    that changed the projects. Many areas are refreshed province by province (everything
    under each province touched), very many by a full rebuild."""
    collecting = _deferred.get()
    if collecting is not None:
        collecting.update(codes)
        return
    # Always, even with no area touched: a project without areas is still on the list.
    bump_version()
    wanted = sorted(set(codes))
    if not wanted:
        return
    _lock()
    if len(wanted) <= FULL_REBUILD_ABOVE:
        WorkSummary.objects.filter(area_code__in=wanted).delete()
        _fill(wanted, None)
        return
    provinces = sorted({code[:2] for code in wanted})
    if len(provinces) > PROVINCES_AT_ONCE:
        rebuild()
        return
    under = Q()
    for code in provinces:
        low, high = code_range(code)
        under |= Q(area_code__gte=low, area_code__lte=high)
    WorkSummary.objects.filter(under).delete()
    _fill(None, provinces)


def rebuild(*, bump: bool = True) -> None:
    """Recompute every summary row from the project tables (``bump=False`` only for the
    migrations that ran before ``WorkVersion`` existed)."""
    if bump:
        bump_version()
    _lock()
    WorkSummary.objects.all().delete()
    _fill(None, None)
