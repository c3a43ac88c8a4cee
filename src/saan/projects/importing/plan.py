"""Preview, then commit: the importer's steps from an uploaded file to projects.

1. ``create_batch`` checks the file (type, size, password, header) and stores it with the
   header row found and a suggested column mapping. Nothing is stored for a bad file.
2. ``set_mapping`` records the person's mapping and remembers it for their organisation.
3. ``preview`` reads every row and says what would happen to it: create, update (the same
   owner's project with that รหัสโครงการ, or without one the same title, areas and fiscal years,
   differs), unchanged, skipped (with why) or rejected (row, column, Thai reason, what to do).
4. ``commit`` claims the batch, checks the file again inside one transaction, refuses if the
   outcome differs from what the person saw, and writes every create and update through
   ``services.project_bulk_save`` (permission, validation and audit per project) plus one
   ``import.commit`` audit row. All or nothing: any error rolls the whole import back.

``import_file`` does all of it in one call, for the management command and benchmarks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saan.audit.services import record
from saan.partners import permissions
from saan.partners.models import Organisation, Role
from saan.projects import queries, summary
from saan.projects.importing.columns import (
    IGNORE,
    NOT_STORED,
    REPEATABLE,
    HeaderGuess,
    ImportField,
    column_letter,
    default_fiscal_year,
    detect_header,
    guess_at,
    header_key,
)
from saan.projects.importing.places import PlaceIndex
from saan.projects.importing.read import ImportFileError, Table, check_file, read_table
from saan.projects.importing.rows import ParsedRow, Problem, RowReader, fold_title, identity
from saan.projects.models import (
    ColumnMapping,
    ImportBatch,
    ImportOutcome,
    ImportRow,
    ImportStatus,
    Project,
    ProjectArea,
)
from saan.projects.services import (
    BulkUpdate,
    ProjectData,
    insert_rows,
    project_bulk_save,
    project_data_many,
    snapshot_quick,
    validate_many,
)

log = logging.getLogger(__name__)

# Rows written per call of project_bulk_save; progress is reported between calls.
WRITE_CHUNK = 2000
# Rows read between progress reports.
PROGRESS_EVERY = 2000
# Files with fewer data rows than this are checked and committed during the request.
INLINE_ROWS = 500
# A committing batch whose progress has not moved for this long has lost its worker (the
# commit is one transaction: a dead worker wrote nothing). Progress is recorded at least every
# WRITE_CHUNK rows on PostgreSQL; on SQLite not during the write, so keep this generous.
STALE_AFTER_MINUTES = 20

F = ImportField

# Where each validation field is written in the sheet, for pointing at the column.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": (F.TITLE,),
    "ref_code": (F.REF_CODE,),
    "status": (F.STATUS,),
    "visibility": (F.VISIBILITY,),
    "end_date": (F.END_DATE, F.PERIOD, F.START_DATE),
    "owner": (F.OWNER,),
    "areas": (F.SUBDISTRICT, F.PLACE, F.AREA_CODE, F.DISTRICT, F.PROVINCE),
    "themes": (F.THEMES,),
    "roles": (F.IMPLEMENTING, F.PARTNERS, F.BUDGET_SOURCE, F.OWNER),
    "targets": (F.TARGET_GROUP, F.TARGET_COUNT),
    "budget_lines": (F.BUDGET, F.FISCAL_YEAR),
}


def _field_fix(name: str) -> str:
    fixes = {
        "title": _("ใส่ชื่อโครงการ (ไม่เกิน 500 ตัวอักษร)"),
        "ref_code": _("ใช้รหัสโครงการไม่เกิน 64 ตัวอักษร"),
        "end_date": _("ตรวจสอบวันเริ่มและวันสิ้นสุด"),
        "areas": _("กรอกตำบล อำเภอ และจังหวัดของโครงการ"),
        "budget_lines": _("ตรวจสอบจำนวนเงินและปีงบประมาณ (พ.ศ.)"),
    }
    return fixes.get(name, _("แก้ไขค่าในไฟล์ แล้วนำเข้าใหม่"))


class StalePreview(Exception):
    """The rows' outcomes changed between the preview and the commit."""


# ------------------------------------------------------------------------------ results


@dataclass
class RowResult:
    """What happens to one row."""

    number: int
    outcome: str
    title: str = ""
    ref_code: str = ""
    place: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    reason: str = ""  # why a row is skipped
    project_id: int | None = None
    version: int | None = None
    data: ProjectData | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        if self.reason:
            return [{"column": "", "header": "", "message": self.reason}]
        return [p.as_dict() for p in self.problems]


@dataclass
class Plan:
    rows: list[RowResult]
    header_row: int
    total_rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ImportOutcome.values, 0)
        for r in self.rows:
            counts[r.outcome] += 1
        return counts

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for r in self.rows:
            digest.update(f"{r.number}:{r.outcome}:{r.project_id or ''}\n".encode())
        return digest.hexdigest()

    @property
    def to_write(self) -> int:
        c = self.counts
        return c[ImportOutcome.CREATE] + c[ImportOutcome.UPDATE]


@dataclass
class ImportResult:
    """What ``import_file`` did: the batch (with its stored rows), the plan, whether it was
    written, and the message if it stopped."""

    batch: ImportBatch | None
    plan: Plan | None = None
    committed: bool = False
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts if self.plan else {}


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """A large import builds hundreds of thousands of small objects that live until it ends;
    Python's cycle collector would walk them over and over. It is paused for the import (the
    objects hold no cycles) and run once afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ----------------------------------------------------------------------------- progress


def _progress(batch: ImportBatch, phase: str, done: int, total: int) -> None:
    """Record how far the batch has got, where the status page can read it: directly outside a
    transaction; inside the commit's transaction only PostgreSQL can (through a second
    connection), so SQLite shows the writing phase as one step."""
    batch.phase, batch.progress_done, batch.progress_total = phase, min(done, total), total
    if batch.pk is None:
        return
    now = timezone.now()
    values = {
        "phase": phase,
        "progress_done": min(done, total),
        "progress_total": total,
        "updated_at": now,
    }
    if not connection.in_atomic_block:
        ImportBatch.objects.filter(pk=batch.pk).update(**values)
        return
    if connection.vendor != "postgresql":
        return
    side = connections.create_connection("default")
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportBatch._meta.db_table} SET phase = %s, progress_done = %s, "  # noqa: S608 - table name from the model
                "progress_total = %s, updated_at = %s WHERE id = %s",
                [phase, min(done, total), total, now, batch.pk],
            )
    except Exception:  # progress is a courtesy; never let it break an import
        log.warning("could not report import progress", exc_info=True)
    finally:
        side.close()


# ------------------------------------------------------------------------------ batches


def remembered(owner: Organisation) -> dict[str, str]:
    """header key → field, as this organisation last mapped its columns."""
    return dict(ColumnMapping.objects.filter(organisation=owner).values_list("header_key", "field"))


def _no_header_error() -> ImportFileError:
    return ImportFileError(
        "no_header",
        _(
            "ไม่พบแถวหัวตารางในไฟล์นี้: ต้องมีแถวที่บอกชื่อคอลัมน์ อย่างน้อย “ชื่อโครงการ” และ "
            "พื้นที่ (ตำบล อำเภอ จังหวัด) หรืองบประมาณ ภายใน 30 แถวแรก"
        ),
    )


def _find_sheet(
    data: bytes, filename: str, known: dict[str, str], sheet: str | None
) -> tuple[Table, HeaderGuess]:
    """The sheet to import (the one named, else the first with a header) and its header."""
    table = read_table(data, filename, sheet=sheet)
    guess = detect_header(table, known)
    if guess is None and table.kind == "xlsx" and not sheet:
        for name in table.sheet_names[1:]:
            other = read_table(data, filename, sheet=name)
            guess = detect_header(other, known)
            if guess is not None:
                return other, guess
    if guess is None:
        raise _no_header_error()
    return table, guess


def can_import_for(actor: Any, owner: Organisation) -> bool:
    return owner.pk in queries.owners_for(actor)


def create_batch(
    *, actor: Any, owner: Organisation, file_bytes: bytes, filename: str, sheet: str | None = None
) -> ImportBatch:
    """Check the file and store it with its header and suggested mapping. Raises
    ``ImportFileError`` (nothing stored) or ``PermissionDenied``."""
    return _create_batch(
        actor=actor, owner=owner, file_bytes=file_bytes, filename=filename, sheet=sheet
    )[0]


def _create_batch(
    *, actor: Any, owner: Organisation, file_bytes: bytes, filename: str, sheet: str | None
) -> tuple[ImportBatch, Table]:
    if not can_import_for(actor, owner):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์นำเข้าโครงการของหน่วยงานนี้"))
    check_file(file_bytes, filename)
    table, guess = _find_sheet(file_bytes, filename, remembered(owner), sheet)
    batch = ImportBatch.objects.create(
        owner=owner,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=(translation.get_language() or "th")[:10],
        file_name=(filename or "upload")[-255:],
        file_content=file_bytes,
        file_size=len(file_bytes),
        file_sha256=hashlib.sha256(file_bytes).hexdigest(),
        sheet_name=table.sheet_name,
        sheet_names=table.sheet_names,
        header_row=guess.row + 1,
        headers=guess.headers,
        mapping={str(c): f for c, f in guess.suggestions.items()},
        status=ImportStatus.UPLOADED,
        progress_total=max(len(table.rows) - guess.row - 1, 0),
    )
    return batch, table


def load_table(batch: ImportBatch) -> Table:
    return read_table(bytes(batch.file_content), batch.file_name, sheet=batch.sheet_name or None)


def suggest(batch: ImportBatch, table: Table, header_row: int) -> HeaderGuess:
    """The suggestion for a header row the person chose (1-based)."""
    return guess_at(table, header_row - 1, remembered(batch.owner))


def mapping_errors(mapping: dict[int, str]) -> list[str]:
    """What is wrong with a column mapping as a whole (empty when it can be used)."""
    errors: list[str] = []
    used: dict[str, list[int]] = {}
    for col, name in mapping.items():
        if name and name not in REPEATABLE:
            used.setdefault(name, []).append(col)
    labels = dict(ImportField.choices)
    for name, cols in sorted(used.items()):
        if len(cols) > 1:
            errors.append(
                _("คอลัมน์ %(cols)s จับคู่กับ “%(field)s” ซ้ำกัน: เลือกคอลัมน์เดียว")
                % {"cols": ", ".join(column_letter(c) for c in sorted(cols)), "field": labels[name]}
            )
    names = set(mapping.values())
    if F.TITLE not in names:
        errors.append(_("ต้องมีคอลัมน์ “ชื่อโครงการ”"))
    if not names & {F.SUBDISTRICT, F.DISTRICT, F.PROVINCE, F.AREA_CODE, F.PLACE}:
        errors.append(_("ต้องมีคอลัมน์พื้นที่อย่างน้อยหนึ่งคอลัมน์ (ตำบล อำเภอ จังหวัด หรือรหัสพื้นที่)"))
    return errors


@transaction.atomic
def set_mapping(
    *,
    actor: Any,
    batch: ImportBatch,
    header_row: int,
    mapping: dict[int, str],
    headers: list[str],
    sheet: str = "",
) -> ImportBatch:
    """Record the mapping the person confirmed and remember it for their organisation."""
    errors = mapping_errors(mapping)
    if errors:
        raise ValidationError(errors)
    if batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
        raise ValidationError(_("การนำเข้านี้บันทึกแล้ว"))
    user = actor if getattr(actor, "is_authenticated", False) else None
    for col, text in enumerate(headers):
        key = header_key(text)
        if not key or len(key) > 200:
            continue
        ColumnMapping.objects.update_or_create(
            organisation=batch.owner,
            header_key=key,
            defaults={
                "header_text": text[:300],
                "field": mapping.get(col, IGNORE),
                "updated_by": user,
            },
        )
    batch.sheet_name = sheet or batch.sheet_name
    batch.header_row = header_row
    batch.headers = headers
    batch.mapping = {str(c): f for c, f in mapping.items()}
    batch.status = ImportStatus.MAPPED
    batch.error = ""
    batch.save()
    return batch


def set_place_choices(*, batch: ImportBatch, choices: dict[str, str]) -> ImportBatch:
    batch.place_choices = {**batch.place_choices, **{k: v for k, v in choices.items() if v}}
    batch.save(update_fields=["place_choices", "updated_at"])
    return batch


# ------------------------------------------------------------------------------ reading


def parse_rows(
    batch: ImportBatch,
    table: Table,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ParsedRow], int]:
    """Every data row below the header, read. Returns (rows, header row index)."""
    header_row = (batch.header_row or 1) - 1
    mapping = {int(c): f for c, f in batch.mapping.items() if f and f not in NOT_STORED}
    reader = RowReader(
        table,
        header_row=header_row,
        mapping=mapping,
        headers=list(batch.headers),
        owner=batch.owner,
        places=PlaceIndex(batch.place_choices),
        default_fiscal_year=default_fiscal_year(table, header_row),
    )
    indexes = range(header_row + 1, len(table.rows))
    parsed: list[ParsedRow] = []
    for n, index in enumerate(indexes, start=1):
        parsed.append(reader.read(index))
        if progress and n % PROGRESS_EVERY == 0:
            progress(n, len(indexes))
    if progress:
        progress(len(indexes), len(indexes))
    return parsed, header_row


# ----------------------------------------------------------------------------- deciding


def _grant_areas(actor: Any, owner_id: int) -> str:
    labels = []
    from saan.areas.models import Area

    for g in permissions.grants(actor):
        if g.organisation_id == owner_id and g.role in (Role.EDITOR, Role.COORDINATOR):
            if g.area_code == "":
                labels.append(_("ทั้งประเทศ"))
            else:
                area = Area.objects.filter(code=g.area_code).first()
                labels.append(area.full_name if area else g.area_code)
    return ", ".join(sorted(set(labels)))


class _Decider:
    """Turns read rows into outcomes against what is stored, for one actor."""

    def __init__(
        self,
        actor: Any,
        reader_columns: dict[str, list[int]],
        headers: list[str],
        place_label: Callable[[str], str],
    ) -> None:
        self.actor = actor
        self.columns = reader_columns
        self.headers = headers
        self.place_label = place_label
        self.owners_allowed = set(queries.owners_for(actor))
        self._can: dict[tuple[int, tuple[str, ...]], bool] = {}
        self._org_labels: dict[int, str] = {}

    def where(self, names: tuple[str, ...]) -> tuple[str, str]:
        for name in names:
            cols = self.columns.get(name)
            if cols:
                return (
                    ", ".join(column_letter(c) for c in cols),
                    " / ".join(self.headers[c] for c in cols if c < len(self.headers)),
                )
        return "", ""

    def org_label(self, pk: int) -> str:
        if pk not in self._org_labels:
            org = Organisation.objects.filter(pk=pk).first()
            self._org_labels[pk] = org.label if org else str(pk)
        return self._org_labels[pk]

    def permission_problem(self, data: ProjectData) -> Problem | None:
        key = (data.owner_id, tuple(sorted(set(data.area_codes))))
        if key not in self._can:
            self._can[key] = queries.can_register(
                self.actor, owner_id=data.owner_id, area_codes=list(key[1])
            )
        if self._can[key]:
            return None
        if data.owner_id not in self.owners_allowed:
            column, header = self.where((F.OWNER,))
            mine = ", ".join(self.org_label(o) for o in sorted(self.owners_allowed)[:5])
            return Problem(
                column,
                header,
                _("คุณไม่มีสิทธิ์บันทึกโครงการของ %(owner)s") % {"owner": self.org_label(data.owner_id)},
                _("นำเข้าเฉพาะโครงการของหน่วยงานที่คุณมีสิทธิ์ (%(mine)s) หรือส่งแถวนี้ให้ผู้มีสิทธิ์ของหน่วยงานนั้นนำเข้า")
                % {"mine": mine or "-"},
            )
        column, header = self.where(FIELD_COLUMNS["areas"])
        places = ", ".join(self.place_label(c) for c in key[1])
        return Problem(
            column,
            header,
            _("คุณไม่มีสิทธิ์บันทึกโครงการของ %(owner)s ใน %(place)s")
            % {"owner": self.org_label(data.owner_id), "place": places},
            _("สิทธิ์ของคุณครอบคลุม: %(areas)s ตรวจสอบพื้นที่ในแถวนี้ หรือให้ผู้มีสิทธิ์ในพื้นที่นั้นนำเข้า")
            % {"areas": _grant_areas(self.actor, data.owner_id) or "-"},
        )

    def validation_problems(self, errors: dict[str, list[str]]) -> list[Problem]:
        found = []
        for name, messages in errors.items():
            column, header = self.where(FIELD_COLUMNS.get(name, ()))
            for message in messages:
                found.append(Problem(column, header, message, _field_fix(name)))
        return found


def _merge(stored: ProjectData, row: ProjectData, given: set[str]) -> ProjectData:
    """The stored project with what the row gives: a blank cell keeps what is stored; budget
    lines are replaced for the fiscal years the row has, targets for its groups; partner roles
    and links are added to."""
    merged = dataclasses.replace(
        stored,
        area_codes=list(stored.area_codes),
        theme_ids=list(stored.theme_ids),
        roles=list(stored.roles),
        targets=list(stored.targets),
        budget_lines=list(stored.budget_lines),
        contacts=list(stored.contacts),
        links=list(stored.links),
    )
    for attr in (
        "title",
        "ref_code",
        "summary",
        "objectives",
        "status",
        "visibility",
        "start_date",
        "end_date",
    ):
        if attr in given:
            setattr(merged, attr, getattr(row, attr))
    if "area_codes" in given and row.area_codes:
        merged.area_codes = list(row.area_codes)
    if "theme_ids" in given and row.theme_ids:
        merged.theme_ids = list(row.theme_ids)
    if "roles" in given:
        merged.roles = list(dict.fromkeys([*stored.roles, *row.roles]))
    if "targets" in given and row.targets:
        groups = {t.target_group_id for t in row.targets}
        merged.targets = [t for t in stored.targets if t.target_group_id not in groups] + list(
            row.targets
        )
    if "budget_lines" in given and row.budget_lines:
        years = {b.fiscal_year for b in row.budget_lines}
        merged.budget_lines = [b for b in stored.budget_lines if b.fiscal_year not in years] + list(
            row.budget_lines
        )
    if "contacts" in given and row.contacts:
        # Cells left blank keep what the stored first contact has ("โทรศัพท์" alone updates
        # the phone of the person already named).
        first = stored.contacts[0] if stored.contacts else {}
        merged.contacts = [
            {k: v or (first.get(k, "") if i == 0 else "") for k, v in c.items()}
            for i, c in enumerate(row.contacts)
        ]
    if "links" in given:
        urls = {link["url"] for link in stored.links}
        merged.links = stored.links + [link for link in row.links if link["url"] not in urls]
    return merged


def _chunks(items: list[Any], size: int = 2000) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def decide(
    parsed: list[ParsedRow],
    *,
    actor: Any,
    columns: dict[str, list[int]],
    headers: list[str],
    place_label: Callable[[str], str],
) -> list[RowResult]:
    """The outcome of every row against the database as it is now."""
    decider = _Decider(actor, columns, headers, place_label)
    results: list[RowResult] = []
    candidates: list[tuple[RowResult, ParsedRow]] = []
    first_seen: dict[tuple[Any, ...], int] = {}
    for p in parsed:
        result = RowResult(
            p.number,
            ImportOutcome.REJECTED,
            p.title,
            p.ref_code,
            p.place,
            list(p.problems),
            list(p.warnings),
        )
        results.append(result)
        if p.skip_reason:
            result.outcome, result.reason = ImportOutcome.SKIPPED, p.skip_reason
            continue
        if p.problems or p.data is None:
            continue
        problem = decider.permission_problem(p.data)
        if problem:
            result.problems.append(problem)
            continue
        key = (
            ("ref", p.data.owner_id, p.data.ref_code)
            if p.data.ref_code
            else ("id", *identity(p.data))
        )
        if key in first_seen:
            column, header = decider.where((F.REF_CODE,) if p.data.ref_code else (F.TITLE,))
            why = _("รหัสโครงการเดียวกัน") if p.data.ref_code else _("ชื่อ พื้นที่ และปีงบประมาณเดียวกัน")
            result.problems.append(
                Problem(
                    column,
                    header,
                    _("ซ้ำกับแถวที่ %(n)s (%(why)s)") % {"n": first_seen[key], "why": why},
                    _("ลบแถวที่ซ้ำ หรือใส่รหัสโครงการให้ต่างกันถ้าเป็นคนละโครงการ"),
                )
            )
            continue
        first_seen[key] = p.number
        candidates.append((result, p))

    # What is stored already: by รหัสโครงการ, else by title + areas + fiscal years.
    by_ref: dict[tuple[int, str], tuple[int, int]] = {}
    refs: dict[int, set[str]] = {}
    titled: dict[int, set[str]] = {}
    for _result, p in candidates:
        assert p.data is not None
        if p.data.ref_code:
            refs.setdefault(p.data.owner_id, set()).add(p.data.ref_code)
        else:
            titled.setdefault(p.data.owner_id, set()).add(fold_title(p.data.title))
    for owner_id, codes in refs.items():
        for chunk in _chunks(sorted(codes)):
            for pk, code, version in Project.objects.filter(
                owner_id=owner_id, ref_code__in=chunk
            ).values_list("pk", "ref_code", "version"):
                by_ref[(owner_id, code)] = (pk, version)
    by_identity: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    for owner_id, titles in titled.items():
        stored = [
            (pk, title, fy_start, fy_end, version)
            for pk, title, fy_start, fy_end, version in Project.objects.filter(
                owner_id=owner_id
            ).values_list("pk", "title", "fy_start", "fy_end", "version")
            if fold_title(title) in titles
        ]
        areas: dict[int, list[str]] = {}
        for chunk in _chunks([s[0] for s in stored]):
            for pid, code in ProjectArea.objects.filter(project_id__in=chunk).values_list(
                "project_id", "area_id"
            ):
                areas.setdefault(pid, []).append(code)
        for pk, title, fy_start, fy_end, version in stored:
            key = (
                owner_id,
                fold_title(title),
                tuple(sorted(set(areas.get(pk, [])))),
                fy_start,
                fy_end,
            )
            by_identity.setdefault(key, []).append((pk, version))

    matched: dict[int, tuple[int, int]] = {}  # row number → (project id, version)
    for result, p in candidates:
        assert p.data is not None
        if p.data.ref_code:
            hit = by_ref.get((p.data.owner_id, p.data.ref_code))
            if hit:
                matched[p.number] = hit
            continue
        hits = by_identity.get(identity(p.data), [])
        if len(hits) > 1:
            column, header = decider.where((F.TITLE,))
            result.problems.append(
                Problem(
                    column,
                    header,
                    _(
                        "มีโครงการชื่อนี้ในพื้นที่และปีงบประมาณเดียวกันอยู่แล้ว %(n)s โครงการ "
                        "จึงไม่รู้ว่าแถวนี้คือโครงการใด"
                    )
                    % {"n": len(hits)},
                    _("เพิ่มคอลัมน์รหัสโครงการ หรือแก้ไขโครงการนั้นในหน้าโครงการแทน"),
                )
            )
        elif hits:
            matched[p.number] = hits[0]
    stored_data = project_data_many([pk for pk, _v in matched.values()])
    editable: set[int] = set()
    ids = sorted({pk for pk, _v in matched.values()})
    for chunk in _chunks(ids):
        editable.update(
            queries.editable_by(actor).filter(pk__in=chunk).values_list("pk", flat=True)
        )

    finals: list[tuple[RowResult, ProjectData]] = []
    for result, p in candidates:
        assert p.data is not None
        if result.problems:
            continue
        hit = matched.get(p.number)
        if hit is None:
            finals.append((result, p.data))
            continue
        pk, version = hit
        result.project_id, result.version = pk, version
        finals.append((result, _merge(stored_data[pk], p.data, p.given)))
    for _result, data in finals:
        for contact in data.contacts:
            contact["name"] = contact["name"] or _("ไม่ระบุชื่อ")
    errors = validate_many([d for _r, d in finals])
    for (result, data), problems in zip(finals, errors, strict=True):
        if problems:
            result.problems.extend(decider.validation_problems(problems))
            continue
        if result.project_id is None:
            result.outcome, result.data = ImportOutcome.CREATE, data
            continue
        if snapshot_quick(data) == snapshot_quick(stored_data[result.project_id]):
            result.outcome = ImportOutcome.UNCHANGED
            continue
        if result.project_id not in editable:
            result.problems.append(
                Problem(
                    *decider.where((F.REF_CODE, F.TITLE)),
                    _("มีโครงการนี้อยู่แล้ว แต่คุณไม่มีสิทธิ์แก้ไข (พื้นที่เดิมของโครงการอยู่นอกสิทธิ์ของคุณ)"),
                    _("ให้ผู้มีสิทธิ์ของหน่วยงานในพื้นที่นั้นแก้ไข หรือนำแถวนี้ออก"),
                )
            )
            continue
        result.outcome, result.data = ImportOutcome.UPDATE, data
    return results


def _plan(batch: ImportBatch, actor: Any, parsed: list[ParsedRow], header_row: int) -> Plan:
    mapping = {int(c): f for c, f in batch.mapping.items() if f and f not in NOT_STORED}
    columns: dict[str, list[int]] = {}
    for col, name in sorted(mapping.items()):
        columns.setdefault(name, []).append(col)
    index = PlaceIndex()
    results = decide(
        parsed, actor=actor, columns=columns, headers=list(batch.headers), place_label=index.label
    )
    return Plan(results, header_row, len(parsed))


def _store_rows(batch: ImportBatch, plan: Plan) -> None:
    ImportRow.objects.filter(batch=batch).delete()
    insert_rows(
        ImportRow,
        ["batch_id", "row_number", "outcome", "title", "ref_code", "place", "problems",
         "warnings", "project_id"],
        [
            (batch.pk, r.number, r.outcome, r.title[:500], r.ref_code[:64], r.place[:500],
             r.messages, [w.as_dict() for w in r.warnings], r.project_id)
            for r in plan.rows
        ],
    )  # fmt: skip


# ------------------------------------------------------------------------------ preview


def preview(*, actor: Any, batch: ImportBatch, table: Table | None = None) -> Plan:
    """Read and decide every row and store the outcome for the person to check."""
    with _no_gc_pauses():
        return _preview(actor, batch, table)


def _preview(actor: Any, batch: ImportBatch, table: Table | None) -> Plan:
    if batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED):
        raise ValidationError(_("การนำเข้านี้บันทึกแล้ว"))
    table = table or load_table(batch)
    parsed, header_row = parse_rows(
        batch, table, progress=lambda d, t: _progress(batch, "checking", d, t)
    )
    plan = _plan(batch, actor, parsed, header_row)
    with transaction.atomic():
        _store_rows(batch, plan)
        batch.counts = plan.counts
        batch.fingerprint = plan.fingerprint
        batch.status = ImportStatus.PREVIEWED
        batch.previewed_at = timezone.now()
        batch.queued_at = None
        batch.phase = ""
        batch.progress_done = batch.progress_total = len(parsed)
        batch.save()
    return plan


# ------------------------------------------------------------------------------- commit


def _save_chunk(actor: Any, rows: list[RowResult]) -> None:
    """Write one chunk of creates and updates through the project services. (Tests make the
    Nth call fail to prove that nothing of an import survives a failure.)"""
    creates = [r for r in rows if r.outcome == ImportOutcome.CREATE]
    updates = [r for r in rows if r.outcome == ImportOutcome.UPDATE]
    saved = project_bulk_save(
        actor=actor,
        creates=[r.data for r in creates if r.data is not None],
        updates=[
            BulkUpdate(r.project_id, r.version or 0, r.data)
            for r in updates
            if r.project_id is not None and r.data is not None
        ],
    )
    for result, pk in zip(creates, saved.created, strict=True):
        result.project_id = pk


def _common_area(plan: Plan) -> str:
    codes = sorted({c for r in plan.rows if r.data for c in r.data.area_codes})
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while common and not code.startswith(common):
            common = common[:-2]
    return common


def _write(*, actor: Any, batch: ImportBatch, plan: Plan, expected: str | None) -> None:
    """Inside the caller's transaction: refuse a stale preview, write, audit, record."""
    if expected is not None and plan.fingerprint != expected:
        raise StalePreview
    todo = [r for r in plan.rows if r.outcome in (ImportOutcome.CREATE, ImportOutcome.UPDATE)]
    _progress(batch, "writing", 0, len(todo))
    with summary.deferred():  # the per-area work summary: once, after the last chunk
        for n, chunk in enumerate(_chunks(todo, WRITE_CHUNK), start=1):
            _save_chunk(actor, chunk)
            _progress(batch, "writing", min(n * WRITE_CHUNK, len(todo)), len(todo))
    counts = plan.counts
    record(
        actor=actor,
        action="import.commit",
        target=batch,
        after={
            "file": batch.file_name,
            "sheet": batch.sheet_name,
            "rows": len(plan.rows),
            "counts": counts,
        },
        area_code=_common_area(plan),
        note=batch.file_name[:200],
    )
    _store_rows(batch, plan)
    now = timezone.now()
    batch.counts = counts
    batch.fingerprint = plan.fingerprint
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = now
    batch.phase = ""
    batch.progress_done = batch.progress_total = len(todo)
    batch.queued_at = None
    batch.error = ""
    batch.report = {
        "created": counts[ImportOutcome.CREATE],
        "updated": counts[ImportOutcome.UPDATE],
        "unchanged": counts[ImportOutcome.UNCHANGED],
        "skipped": counts[ImportOutcome.SKIPPED],
        "rejected": counts[ImportOutcome.REJECTED],
    }
    # Not the stored file (tens of MB written again for nothing).
    batch.save(
        update_fields=[
            f.name
            for f in batch._meta.concrete_fields
            if not f.primary_key and f.name != "file_content"
        ]
    )


def _lock_owners(plan: Plan) -> None:
    """Imports for the same owner run one after another: the second sees the first's rows."""
    owners = sorted({r.data.owner_id for r in plan.rows if r.data is not None})
    if owners:
        list(Organisation.objects.select_for_update().filter(pk__in=owners).values_list("pk"))


def mark_queued(batch: ImportBatch, *, checking_rows: int | None = None) -> None:
    """Note that the batch waits for the worker: to be checked (``checking_rows`` rows) or,
    without it, to be written. The status page shows this until the task starts."""
    values: dict[str, Any] = {"queued_at": timezone.now()}
    if checking_rows is not None:
        values.update(phase="checking", progress_done=0, progress_total=checking_rows)
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


def remember_task(batch_id: int, task_id: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(task_id=task_id[:64])


def claim(batch_id: int) -> bool:
    """Move a previewed batch to committing; False if it is not (any more) previewed."""
    return bool(
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.PREVIEWED).update(
            status=ImportStatus.COMMITTING,
            phase="checking",
            progress_done=0,
            updated_at=timezone.now(),
        )
    )


def stale_minutes() -> int:
    """How long a commit may go without progress before it counts as stuck (a setting may
    override ``STALE_AFTER_MINUTES``): the rule, its refusal and the status page all say this."""
    return int(getattr(settings, "SAAN_IMPORT_STALE_MINUTES", STALE_AFTER_MINUTES))


def stale_since() -> dt.datetime:
    """A committing batch last updated before this has lost its worker."""
    return timezone.now() - dt.timedelta(minutes=stale_minutes())


def is_stale(batch: ImportBatch) -> bool:
    return batch.status == ImportStatus.COMMITTING and batch.updated_at < stale_since()


def can_reset(actor: Any, batch: ImportBatch) -> bool:
    """The uploader (the commit runs as them) and administrators."""
    return permissions.is_admin(actor) or (
        batch.uploaded_by_id is not None and batch.uploaded_by_id == getattr(actor, "pk", None)
    )


def reset_stale(*, actor: Any, batch_id: int) -> ImportBatch:
    """Put a batch stuck in "committing" (its worker died: no progress for
    ``STALE_AFTER_MINUTES``) back to previewed, ready to commit again. Safe because the commit
    is one transaction: a worker that died wrote nothing. The next commit re-checks the file
    against the preview as always. Refused for a batch that is not stuck."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .defer("file_content")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or not can_reset(actor, batch):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์จัดการการนำเข้านี้"))
        if not is_stale(batch):
            raise ValidationError(
                {
                    "status": [
                        _("การนำเข้านี้ไม่ได้ค้างอยู่: รีเซ็ตได้เฉพาะการบันทึกที่ไม่คืบหน้าเลยนานกว่า %(minutes)s นาที")
                        % {"minutes": stale_minutes()}
                    ]
                }
            )
        before = {
            "status": batch.status,
            "phase": batch.phase,
            "progress_done": batch.progress_done,
            "progress_total": batch.progress_total,
            "updated_at": batch.updated_at.isoformat(),
            "task_id": batch.task_id,
        }
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.PREVIEWED,
            phase="",
            queued_at=None,
            progress_done=0,
            task_id="",
            error=_("การบันทึกครั้งก่อนหยุดไปกลางทางโดยไม่ได้บันทึกข้อมูลใดเลย: ตรวจสอบผลด้านล่างแล้วกดยืนยันอีกครั้ง"),
            updated_at=timezone.now(),
        )
        batch.refresh_from_db()
        record(
            actor=actor,
            action="import.reset",
            target=batch,
            before=before,
            after={"status": batch.status},
            note=batch.file_name[:200],
        )
    return batch


def _fail(batch: ImportBatch, message: str, *, status: str = ImportStatus.FAILED) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        error=message,
        phase="",
        queued_at=None,
        progress_done=0,
        updated_at=timezone.now(),
    )
    batch.refresh_from_db()


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError | PermissionDenied):
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _("ไม่ได้บันทึกข้อมูลใดเลย: %(detail)s") % {"detail": detail}
    return _(
        "ไม่ได้บันทึกข้อมูลใดเลย เพราะเกิดข้อผิดพลาดระหว่างบันทึก: ลองยืนยันใหม่อีกครั้ง "
        "หากยังไม่สำเร็จ แจ้งผู้ดูแลระบบพร้อมชื่อไฟล์"
    )


def commit(*, batch_id: int) -> ImportBatch:
    """Commit a previewed batch, all or nothing. Idempotent: a batch that is not previewed
    (already committing, committed, or failed) is returned untouched."""
    with _no_gc_pauses():
        return _commit(batch_id)


def _commit(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("owner", "uploaded_by").get(pk=batch_id)
    if not claim(batch_id):
        return batch
    batch.refresh_from_db()
    actor = batch.uploaded_by
    expected = batch.fingerprint
    plan: Plan | None = None
    with translation.override(batch.language or "th"):
        try:
            table = load_table(batch)
            parsed, header_row = parse_rows(
                batch, table, progress=lambda d, t: _progress(batch, "checking", d, t)
            )
            with transaction.atomic():
                plan = _plan(batch, actor, parsed, header_row)
                _lock_owners(plan)
                _write(actor=actor, batch=batch, plan=plan, expected=expected)
        except StalePreview:
            # Someone changed the register since the preview: show the new outcome instead.
            assert plan is not None
            with transaction.atomic():
                _store_rows(batch, plan)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=ImportStatus.PREVIEWED,
                    counts=plan.counts,
                    fingerprint=plan.fingerprint,
                    phase="",
                    queued_at=None,
                    progress_done=0,
                    previewed_at=timezone.now(),
                    error=_(
                        "ข้อมูลในระบบเปลี่ยนไปหลังการตรวจสอบ จึงยังไม่ได้บันทึก: "
                        "ตรวจสอบผลใหม่ด้านล่างแล้วยืนยันอีกครั้ง"
                    ),
                )
            batch.refresh_from_db()
            return batch
        except Exception as exc:
            log.exception("import %s failed", batch_id)
            _fail(batch, _failure_message(exc))
            return batch
    batch.refresh_from_db()
    return batch


# ---------------------------------------------------------------------------- one call


def import_file(
    *,
    actor: Any,
    owner: Organisation,
    file_bytes: bytes,
    filename: str,
    mapping: dict[int, str] | None = None,
    commit: bool = True,
    sheet: str | None = None,
    place_choices: dict[str, str] | None = None,
) -> ImportResult:
    """Check, read and (with ``commit``) write a file in one go: what the management command
    and the benchmark call. ``mapping`` (column index → ImportField value) replaces the
    suggested one. A file that cannot be read gives ``error`` and no batch; rows that cannot be
    imported are in the plan as rejected and are not written."""
    with _no_gc_pauses():
        return _import_file(actor=actor, owner=owner, file_bytes=file_bytes, filename=filename,
                            mapping=mapping, commit=commit, sheet=sheet,
                            place_choices=place_choices)  # fmt: skip


def _import_file(
    *,
    actor: Any,
    owner: Organisation,
    file_bytes: bytes,
    filename: str,
    mapping: dict[int, str] | None,
    commit: bool,
    sheet: str | None,
    place_choices: dict[str, str] | None,
) -> ImportResult:
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    try:
        batch, table = _create_batch(
            actor=actor, owner=owner, file_bytes=file_bytes, filename=filename, sheet=sheet
        )
    except (ImportFileError, PermissionDenied) as exc:
        return ImportResult(None, error=getattr(exc, "message", str(exc)))
    seconds["read"] = time.perf_counter() - started
    if mapping is not None:
        try:
            set_mapping(
                actor=actor,
                batch=batch,
                header_row=batch.header_row or 1,
                mapping=mapping,
                headers=list(batch.headers),
                sheet=batch.sheet_name,
            )
        except ValidationError as exc:
            return ImportResult(batch, error="; ".join(exc.messages))
    else:
        batch.status = ImportStatus.MAPPED
        batch.save(update_fields=["status", "updated_at"])
    if place_choices:
        set_place_choices(batch=batch, choices=place_choices)
    mark = time.perf_counter()
    parsed, header_row = parse_rows(batch, table)
    seconds["parse"] = time.perf_counter() - mark
    if not commit:
        mark = time.perf_counter()
        plan = _plan(batch, actor, parsed, header_row)
        with transaction.atomic():
            _store_rows(batch, plan)
            batch.counts, batch.fingerprint = plan.counts, plan.fingerprint
            batch.status, batch.previewed_at = ImportStatus.PREVIEWED, timezone.now()
            batch.save()
        seconds["decide"] = time.perf_counter() - mark
        return ImportResult(batch, plan, seconds=seconds)
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["status", "updated_at"])
    if not claim(batch.pk):  # pragma: no cover - the batch was created just above
        return ImportResult(batch, error=_("การนำเข้านี้กำลังบันทึกอยู่แล้ว"))
    batch.refresh_from_db()
    mark = time.perf_counter()
    try:
        with transaction.atomic():
            plan = _plan(batch, actor, parsed, header_row)
            seconds["decide"] = time.perf_counter() - mark
            mark = time.perf_counter()
            _lock_owners(plan)
            _write(actor=actor, batch=batch, plan=plan, expected=None)
            seconds["write"] = time.perf_counter() - mark
    except Exception as exc:
        log.exception("import of %s failed", filename)
        _fail(batch, _failure_message(exc))
        return ImportResult(batch, error=batch.error, seconds=seconds)
    batch.refresh_from_db()
    seconds["total"] = time.perf_counter() - started
    return ImportResult(batch, plan, committed=True, seconds=seconds)
