"""Running the detector against the register and keeping findings true.

- ``scan_run``: a full scan of an area (or the country), for a ``ScanRun`` (the background task
  calls it); every project that cannot be checked is listed with the reason.
- ``check_projects``: the incremental check after projects are created, changed or imported
  (the projects services call ``hooks.projects_changed`` on commit): each project is compared
  with the projects that share a subdistrict and come near its dates, its findings are
  re-scored, and findings whose pair no longer qualifies are marked, not left behind.
- ``check_unsaved``: the same comparison for a project still in its form ("before saving").

Decisions stick: a dismissed pair stays dismissed until one of the two projects changes
materially (its fingerprint, see ``facts.fingerprint``), then it comes back as suggested and
says so (``reraised``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.audit.services import record
from saan.core.thai import fiscal_year
from saan.overlaps import facts as facts_mod
from saan.overlaps.detector import Detector, Facts, Match, unchecked_reason
from saan.overlaps.models import (
    Finding,
    FindingKind,
    FindingState,
    RunStatus,
    ScanRun,
    SynonymGroup,
)

log = logging.getLogger(__name__)

# Findings are stored from this score up; pages show them from the threshold the person picks
# (the detector's DEFAULT_THRESHOLD unless changed). Low enough that lowering the threshold on
# the page shows more without a new scan.
FLOOR = 0.3

_cache: dict[str, Any] = {}


def detector() -> Detector:
    """The detector built from the synonym table (the seeded list when the table is empty),
    rebuilt only when the table changes."""
    groups = SynonymGroup.objects.filter(is_active=True)
    key = (
        groups.count(),
        groups.aggregate(m=Max("updated_at"))["m"],
        groups.aggregate(p=Max("pk"))["p"],
    )
    if _cache.get("key") != key or "detector" not in _cache:
        phrases = [list(g) for g in groups.values_list("phrases", flat=True) if g]
        _cache["detector"] = Detector(synonyms=phrases or None)
        _cache["key"] = key
    return _cache["detector"]  # type: ignore[no-any-return]


def forget_detector() -> None:
    _cache.clear()


def _common_code(codes: Iterable[str]) -> str:
    codes = sorted(codes)
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while common and not code.startswith(common):
            common = common[:-2]
    return common


def explanation(match: Match) -> dict[str, Any]:
    """The detector's reasons as JSON kept on the finding."""
    return {
        "reasons": list(match.reasons_th()),
        "shared_subdistricts": sorted(match.shared_subdistricts),
        "shared_days": int(match.shared_days),
        "shared_words": list(match.shared_words),
        "shared_themes": sorted(match.shared_themes),
        "shared_target_groups": sorted(match.shared_target_groups),
        "components": {k: round(float(v), 4) for k, v in dict(match.components).items()},
    }


def _why_not(a: Facts | None, b: Facts | None, pair: Match | None) -> str:
    if a is None or b is None:
        return _("โครงการหนึ่งถูกยกเลิกหรือไม่มีข้อมูลพอให้ตรวจแล้ว")
    if not (a.subdistricts & b.subdistricts):
        return _("ไม่มีตำบลร่วมกันแล้ว")
    if pair is not None:
        return _("คะแนนความเหมือนลดลงต่ำกว่าเกณฑ์แล้ว (%(score)s)") % {"score": f"{pair.score:.2f}"}
    return _("ช่วงเวลาหรือเนื้อหาไม่เข้าเกณฑ์แล้ว")


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    reraised: int = 0
    closed: int = 0
    unchanged: int = 0
    new_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "reraised": self.reraised,
            "closed": self.closed,
            "unchanged": self.unchanged,
        }


def reconcile(
    matches: list[Match],
    facts_by_id: dict[int, Facts],
    existing: Iterable[Finding],
    *,
    scope: Callable[[Finding], bool],
) -> Outcome:
    """Write ``matches`` as findings and close the existing findings in ``scope`` that no match
    confirms any more. Runs in the caller's transaction."""
    out = Outcome()
    by_pair = {(f.project_a_id, f.project_b_id): f for f in existing}
    fresh: list[dict[str, Any]] = []
    changed: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    prints: dict[int, str] = {}

    def fingerprint(pid: int) -> str:  # once per project, not once per pair
        if pid not in prints:
            prints[pid] = facts_mod.fingerprint(facts_by_id[pid])
        return prints[pid]

    for m in matches:
        a, b = (m.a, m.b) if m.a < m.b else (m.b, m.a)
        seen.add((a, b))
        fp_a, fp_b = fingerprint(a), fingerprint(b)
        values = {
            "kind": m.kind if m.kind in FindingKind.values else FindingKind.OVERLAP,
            "score": max(0.0, min(1.0, float(m.score))),
            "same_organisation": bool(m.same_organisation),
            "area_code": _common_code(m.shared_subdistricts),
            "overlap_start": m.overlap_start,
            "overlap_end": m.overlap_end,
            "fy_start": fiscal_year(m.overlap_start) if m.overlap_start else None,
            "fy_end": fiscal_year(m.overlap_end) if m.overlap_end else None,
            "explanation": explanation(m),
        }
        finding = by_pair.get((a, b))
        if finding is None:
            fresh.append(
                {
                    "project_a_id": a,
                    "project_b_id": b,
                    "fingerprint_a": fp_a,
                    "fingerprint_b": fp_b,
                    **values,
                }
            )
            continue
        material = (finding.fingerprint_a, finding.fingerprint_b) != (fp_a, fp_b)
        before = (
            finding.score,
            finding.is_current,
            finding.state,
            finding.explanation,
            finding.kind,
        )
        for name, value in values.items():
            setattr(finding, name, value)
        finding.is_current, finding.stale_reason = True, ""
        if material and finding.state == FindingState.DISMISSED:
            finding.state = FindingState.SUGGESTED
            finding.reraised = True
            out.reraised += 1
        finding.fingerprint_a, finding.fingerprint_b = fp_a, fp_b
        after = (
            finding.score,
            finding.is_current,
            finding.state,
            finding.explanation,
            finding.kind,
        )
        if before != after or material:
            changed.append(finding)
            out.updated += 1
        else:
            out.unchanged += 1
    det: Detector | None = None
    for pair_key, finding in by_pair.items():
        if pair_key in seen or not finding.is_current or not scope(finding):
            continue
        xa, xb = facts_by_id.get(pair_key[0]), facts_by_id.get(pair_key[1])
        scored = None
        if xa is not None and xb is not None:
            det = det or detector()
            scored = det.pair(xa, xb)
        finding.is_current = False
        finding.stale_reason = _why_not(xa, xb, scored)[:300]
        if scored is not None:
            finding.score = max(0.0, min(1.0, float(scored.score)))
        if xa is not None and xb is not None:
            finding.fingerprint_a = facts_mod.fingerprint(xa)
            finding.fingerprint_b = facts_mod.fingerprint(xb)
        changed.append(finding)
        out.closed += 1
    if fresh:
        _insert(fresh)
        out.created = len(fresh)
    if changed:
        now = timezone.now()
        for f in changed:
            f.updated_at = now
        Finding.objects.bulk_update(
            changed,
            [
                "kind",
                "score",
                "same_organisation",
                "area_code",
                "overlap_start",
                "overlap_end",
                "fy_start",
                "fy_end",
                "explanation",
                "fingerprint_a",
                "fingerprint_b",
                "is_current",
                "stale_reason",
                "state",
                "reraised",
                "updated_at",
            ],
            batch_size=500,
        )
    return out


def _insert(rows: list[dict[str, Any]]) -> None:
    """Insert new findings given as field values: PostgreSQL ``COPY``
    (``projects.services.insert_rows``), elsewhere one prepared INSERT sent for all rows.
    ``bulk_create`` builds model instances and prepares every value through the connection
    proxy, several times slower at tens of thousands of findings."""
    import json

    from django.db import DEFAULT_DB_ALIAS, connections

    from saan.projects.services import insert_rows

    connection = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    defaults: dict[str, Any] = {
        "state": FindingState.SUGGESTED.value,
        "is_current": True,
        "stale_reason": "",
        "reraised": False,
        "decision": "",
        "decision_detail": {},
        "decided_by_id": None,
        "decided_at": None,
        "decision_comment": "",
        "found_at": now,
        "updated_at": now,
    }
    fields = [f for f in Finding._meta.concrete_fields if not f.primary_key]
    columns = [f.attname for f in fields]
    values = [tuple({**defaults, **row}[c] for c in columns) for row in rows]
    if connection.vendor == "postgresql":
        insert_rows(Finding, columns, values)
        return
    # SQLite: the adaptations Django would make, once per column instead of once per value.
    convert: list[Any] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "JSONField":
            convert.append(lambda v: None if v is None else json.dumps(v))
        elif kind == "DateTimeField":
            convert.append(lambda v: connection.ops.adapt_datetimefield_value(v))
        elif kind == "DateField":
            convert.append(lambda v: v.isoformat() if v is not None else None)
        else:
            convert.append(None)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        qn(Finding._meta.db_table),
        ", ".join(qn(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [v if c is None else c(v) for v, c in zip(row, convert, strict=True)] for row in values
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(params), 5000):
            cursor.executemany(sql, params[i : i + 5000])


# ------------------------------------------------------------------------------ full scans


def scan_run(run: ScanRun) -> ScanRun:
    """Scan ``run``'s area and fiscal year; store findings, counts and unchecked projects."""
    ScanRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    facts = facts_mod.load_facts(area_code=run.area_code, fiscal_year=run.fiscal_year)
    unchecked = []
    checkable = []
    for f in facts:
        reason = unchecked_reason(f)
        if reason:
            unchecked.append({"id": f.id, "title": f.title[:300], "reason": str(reason)})
        else:
            checkable.append(f)
    total = max(1, len(checkable))
    ScanRun.objects.filter(pk=run.pk).update(progress_total=total, progress_done=0)
    last = [0.0]

    def progress(done: int, all_: int) -> None:
        now = timezone.now().timestamp()
        if now - last[0] >= 0.5:
            last[0] = now
            done_scaled = min(total, round(total * done / max(1, all_)))
            ScanRun.objects.filter(pk=run.pk).update(progress_done=done_scaled)

    det = detector()
    matches = det.scan(checkable, min_score=FLOOR, progress=progress)
    by_id = {f.id: f for f in checkable}
    ids = set(by_id)
    with transaction.atomic():
        existing = _findings_among(ids)
        outcome = reconcile(
            matches,
            by_id,
            existing,
            scope=lambda f: f.project_a_id in ids and f.project_b_id in ids,
        )
        counts = {
            "projects": len(facts),
            "checked": len(checkable),
            "unchecked": len(unchecked),
            "matches": len(matches),
            "overlaps": sum(1 for m in matches if m.kind != FindingKind.CONTINUATION),
            "continuations": sum(1 for m in matches if m.kind == FindingKind.CONTINUATION),
            **outcome.as_dict(),
        }
        ScanRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress_done=total,
            counts=counts,
            unchecked=unchecked,
            finished_at=timezone.now(),
        )
        record(
            actor=run.started_by,
            action="overlap.scan",
            target=run,
            after=counts,
            area_code=run.area_code,
        )
    run.refresh_from_db()
    return run


def _findings_among(ids: set[int]) -> list[Finding]:
    """Findings whose two projects are both among ``ids`` (read in chunks)."""
    found: dict[int, Finding] = {}
    id_list = sorted(ids)
    for chunk in facts_mod._chunks(id_list):
        for f in Finding.objects.filter(project_a_id__in=chunk):
            if f.project_b_id in ids:
                found[f.pk] = f
    return list(found.values())


# ----------------------------------------------------------------------- incremental checks


def _involves(pid: int, finding: Finding) -> bool:
    return pid in (finding.project_a_id, finding.project_b_id)


def check_projects(ids: Iterable[int], *, actor: Any = None) -> Outcome:
    """Re-check each project against its neighbours in place and time and keep its findings
    true. Projects deleted meanwhile are skipped (their findings went with them)."""
    total = Outcome()
    det = detector()
    for pid in sorted(set(ids)):
        own = facts_mod.load_facts(ids=[pid])
        existing = list(Finding.objects.filter(Q(project_a_id=pid) | Q(project_b_id=pid)))
        by_id: dict[int, Facts] = {}
        matches: list[Match] = []
        if own and not unchecked_reason(own[0]):
            me = own[0]
            others = set(facts_mod.candidate_ids(me))
            others |= {f.project_a_id for f in existing} | {f.project_b_id for f in existing}
            others.discard(pid)
            neighbours = facts_mod.load_facts(ids=others) if others else []
            neighbours = [n for n in neighbours if not unchecked_reason(n)]
            by_id = {n.id: n for n in neighbours}
            by_id[pid] = me
            if neighbours:
                matches = det.check(me, det.index(neighbours), min_score=FLOOR)
        with transaction.atomic():
            outcome = reconcile(
                matches,
                by_id,
                existing,
                scope=partial(_involves, pid),
            )
            if outcome.created or outcome.reraised or outcome.closed:
                record(
                    actor=actor,
                    action="overlap.check",
                    target_type="projects.project",
                    target_id=str(pid),
                    target_label=own[0].title[:300] if own else str(pid),
                    after=outcome.as_dict(),
                )
        for name in ("created", "updated", "reraised", "closed", "unchanged"):
            setattr(total, name, getattr(total, name) + getattr(outcome, name))
    return total


def check_unsaved(new: Facts) -> list[Match]:
    """Registered projects that look like the same work as a project not saved yet."""
    if unchecked_reason(new):
        return []
    others = facts_mod.candidate_ids(new)
    if not others:
        return []
    neighbours = [n for n in facts_mod.load_facts(ids=others) if not unchecked_reason(n)]
    if not neighbours:
        return []
    det = detector()
    return list(det.check(new, det.index(neighbours), min_score=FLOOR))
