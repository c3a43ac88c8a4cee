"""The work register summed per area: what the "who does what here" panel reads.

``WorkSummary`` holds, for every area X that has work inside it (a project area equal to X or
under it) and every visibility, the number of such projects and their budgets: in total, per
organisation taking part, per organisation × theme, per theme, and the budget lines per source
× fiscal year. A project is counted once per X however many of its areas lie inside X, so the
figures are exact distinct counts, not sums of children.

The services keep it in step inside the transaction that changes projects: ``refresh(codes)``
recomputes the rows of the given areas from the project tables with one grouped ``INSERT …
SELECT`` per kind of row (the same SQL on SQLite and PostgreSQL). Nothing is cached outside the
database, so nothing can go stale: a project change and its summary commit or roll back
together. ``rebuild()`` recomputes everything (after a raw load, or to check).

Refreshes are serialised (PostgreSQL: a transaction-level advisory lock; SQLite has one writer
anyway), so two transactions never rewrite the same area's rows at once.
"""

# ruff: noqa: S608 - the SQL is built from model table names and constants; values are params

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from saan.projects.models import (
    BudgetLine,
    Project,
    ProjectArea,
    ProjectOrganisation,
    WorkSummary,
)

LOCK_KEY = 7_240_401  # any constant shared by every refresh
CODE_LENGTHS = (2, 4, 6)
# Above this many areas one full rebuild is cheaper than per-area predicates.
FULL_REBUILD_ABOVE = 300


def reach_codes(area_codes: Iterable[str]) -> set[str]:
    """Every area a project with these areas counts in: each area and its ancestors."""
    return {code[:n] for code in area_codes for n in CODE_LENGTHS if len(code) >= n}


def code_range(code: str) -> tuple[str, str]:
    """The codes under (or equal to) ``code`` as a range ``low <= c <= high``: area codes are
    digit strings of 2, 4 or 6, so this is the prefix test, and a plain index answers it."""
    return code, code + "9" * (6 - len(code))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _reach_sql(codes: list[str] | None) -> tuple[str, list[str]]:
    """SELECT project_id, code: each project with every area X (of ``codes``, or all) it has
    work inside, once per (project, X)."""
    qn = connection.ops.quote_name
    pa = qn(ProjectArea._meta.db_table)
    parts: list[str] = []
    params: list[str] = []
    for n in CODE_LENGTHS:
        column = "pa.area_id" if n == 6 else f"SUBSTR(pa.area_id, 1, {n})"
        where = f"LENGTH(pa.area_id) >= {n}"
        if codes is not None:
            wanted = sorted(c for c in codes if len(c) == n)
            if not wanted:
                continue
            ranges = []
            for code in wanted:
                ranges.append("pa.area_id BETWEEN %s AND %s")
                params += code_range(code)
            where += " AND (" + " OR ".join(ranges) + ")"
        parts.append(
            f"SELECT pa.project_id AS project_id, {column} AS code FROM {pa} pa WHERE {where}"
        )
    if not parts:
        parts.append(
            f"SELECT pa.project_id AS project_id, pa.area_id AS code FROM {pa} pa WHERE 1 = 0"
        )
    return " UNION ".join(parts), params


def _statements(codes: list[str] | None) -> list[tuple[str, list[str]]]:
    qn = connection.ops.quote_name
    summary = qn(WorkSummary._meta.db_table)
    project = qn(Project._meta.db_table)
    lines = qn(BudgetLine._meta.db_table)
    roles = qn(ProjectOrganisation._meta.db_table)
    themes = qn(Project.themes.through._meta.db_table)
    reach, params = _reach_sql(codes)
    head = (
        f"WITH reach AS ({reach}), "
        f"tot AS (SELECT project_id, SUM(amount) AS total FROM {lines} "
        f"WHERE project_id IN (SELECT project_id FROM reach) GROUP BY project_id), "
        f"org AS (SELECT DISTINCT project_id, organisation_id FROM {roles} "
        f"WHERE project_id IN (SELECT project_id FROM reach)) "
        f"INSERT INTO {summary} (area_code, visibility, kind, organisation_id, theme_id, "
        f"fiscal_year, count, budget) "
    )
    base = f"FROM reach r JOIN {project} p ON p.id = r.project_id "
    budget = "COALESCE(SUM(t.total), 0)"
    with_tot = "LEFT JOIN tot t ON t.project_id = r.project_id "
    theme = f"LEFT JOIN {themes} pt ON pt.project_id = r.project_id "
    selects = [
        # T: projects with work inside X.
        f"SELECT r.code, p.visibility, 'T', 0, 0, 0, COUNT(*), {budget} {base}{with_tot}"
        "GROUP BY r.code, p.visibility",
        # O: per organisation taking part (any role).
        f"SELECT r.code, p.visibility, 'O', o.organisation_id, 0, 0, COUNT(*), {budget} "
        f"{base}JOIN org o ON o.project_id = r.project_id {with_tot}"
        "GROUP BY r.code, p.visibility, o.organisation_id",
        # C: per organisation × theme (0: the project names no theme).
        f"SELECT r.code, p.visibility, 'C', o.organisation_id, COALESCE(pt.theme_id, 0), 0, "
        f"COUNT(*), {budget} {base}JOIN org o ON o.project_id = r.project_id {theme}{with_tot}"
        "GROUP BY r.code, p.visibility, o.organisation_id, COALESCE(pt.theme_id, 0)",
        # H: per theme (0: no theme).
        f"SELECT r.code, p.visibility, 'H', 0, COALESCE(pt.theme_id, 0), 0, COUNT(*), {budget} "
        f"{base}{theme}{with_tot}GROUP BY r.code, p.visibility, COALESCE(pt.theme_id, 0)",
        # B: budget lines per source (0: none given) × fiscal year; count = lines.
        f"SELECT r.code, p.visibility, 'B', COALESCE(b.source_id, 0), 0, b.fiscal_year, "
        f"COUNT(*), SUM(b.amount) {base}JOIN {lines} b ON b.project_id = r.project_id "
        "GROUP BY r.code, p.visibility, COALESCE(b.source_id, 0), b.fiscal_year",
    ]
    return [(head + select, params) for select in selects]


def refresh(codes: Iterable[str]) -> None:
    """Recompute the summary rows of these areas (give every area whose figures may have
    changed: ``reach_codes`` of a project's old and new areas). Call inside the transaction
    that changed the projects."""
    wanted = sorted(set(codes))
    if not wanted:
        return
    if len(wanted) > FULL_REBUILD_ABOVE:
        rebuild()
        return
    _lock()
    WorkSummary.objects.filter(area_code__in=wanted).delete()
    with connection.cursor() as cursor:
        for sql, params in _statements(wanted):
            cursor.execute(sql, params)


def rebuild() -> None:
    """Recompute every summary row from the project tables."""
    _lock()
    WorkSummary.objects.all().delete()
    with connection.cursor() as cursor:
        for sql, params in _statements(None):
            cursor.execute(sql, params)
