"""One spreadsheet row → ``ProjectData``, or the reasons it cannot be one.

Rows that are not projects are skipped with a reason, never silently: blank rows, totals
("รวม", "รวมทั้งสิ้น"), footnotes ("หมายเหตุ", "ที่มา") and what follows them, section headings
(one lone cell) and a header repeated mid-sheet. Every other row is read cell by cell; each
problem names its column and says what to do.

Formula cells are never evaluated. In a free-text column (ชื่อโครงการ, สาระสำคัญ, วัตถุประสงค์,
ผู้ประสานงาน) the formula is kept as literal text and the row says so; in any other column the
row is rejected, because the value the formula would give is not in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from saan.core.thai import fiscal_year, normalise_digits
from saan.partners.models import Organisation
from saan.projects.importing.columns import ImportField as F
from saan.projects.importing.columns import column_letter, header_key, header_year
from saan.projects.importing.places import PlaceIndex
from saan.projects.importing.read import Formula, Table
from saan.projects.importing.values import (
    STAGE_WORDS,
    STATUS_WORDS,
    VISIBILITY_WORDS,
    CellError,
    as_text,
    parse_amount,
    parse_choice,
    parse_count,
    parse_date,
    parse_fiscal_year,
    parse_period,
    vocabulary_key,
)
from saan.projects.models import OrgRole, Stage, TargetGroup, Theme
from saan.projects.services import (  # the services' own fiscal-year rule, not a copy
    BudgetLineData,
    ProjectData,
    TargetData,
    _fiscal_span,
)

# Free-text columns keep a formula as literal text; every other column rejects it.
LITERAL_FORMULA_FIELDS = {F.TITLE, F.SUMMARY, F.OBJECTIVES, F.CONTACT_NAME}

_TOTAL = re.compile(
    r"^(?:รวม(?:ทั้งสิ้น|ทั้งหมด|ยอด|งบประมาณ|เงิน)?|ยอดรวม|รวมทั้งสิ้น|grand\s*total|sub\s*total|"
    r"subtotal|total|sum)\s*(?:[\d,]+\s*(?:โครงการ|รายการ|projects?))?\s*[:：]?$",
    re.IGNORECASE,
)
# A subtotal names what it adds up: "รวมอำเภอเมืองตราด", "รวม อ.พล", "Total Khon Kaen". Only a
# row without a place or a project code counts, so "รวมพลังสร้างสุข" stays a project.
_SUBTOTAL = re.compile(r"^(?:รวม|ยอดรวม|total|subtotal|sub-total)", re.IGNORECASE)
_FOOTNOTE = re.compile(
    r"^(?:หมายเหตุ|ที่มา|แหล่งที่มา|แหล่งข้อมูล|ข้อมูล\s*ณ|ข้อมูลจาก|จัดทำโดย|ผู้จัดทำ|\*|※|note|notes|source)",
    re.IGNORECASE,
)

# Which ProjectData attribute each field fills: what a row "gives" when the cell is not blank.
GIVES = {
    F.REF_CODE: "ref_code",
    F.TITLE: "title",
    F.SUMMARY: "summary",
    F.OBJECTIVES: "objectives",
    F.STATUS: "status",
    F.VISIBILITY: "visibility",
    F.START_DATE: "start_date",
    F.END_DATE: "end_date",
    F.THEMES: "theme_ids",
    F.IMPLEMENTING: "roles",
    F.PARTNERS: "roles",
    F.TARGET_GROUP: "targets",
    F.TARGET_COUNT: "targets",
    F.BUDGET: "budget_lines",
    F.CONTACT_NAME: "contacts",
    F.CONTACT_PHONE: "contacts",
    F.CONTACT_EMAIL: "contacts",
    F.LINK: "links",
}


@dataclass
class Problem:
    """Why a row cannot be imported as it is (or, as a warning, what was done with a cell)."""

    column: str  # "F", "F, G" or "" for the row as a whole
    header: str
    message: str
    fix: str = ""
    key: str = ""  # a place the person can pick on the preview page
    options: list[tuple[str, str]] = field(default_factory=list)  # (code, label)

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }
        if self.fix:
            found["fix"] = self.fix
        if self.key:
            found["key"] = self.key
            found["options"] = [list(o) for o in self.options]
        return found


@dataclass
class ParsedRow:
    number: int  # the row number the spreadsheet shows
    data: ProjectData | None = None
    skip_reason: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    given: set[str] = field(default_factory=set)  # ProjectData attributes the row fills
    title: str = ""
    ref_code: str = ""
    place: str = ""


class RowReader:
    """Reads the data rows of one table with one column mapping, for one owner organisation."""

    def __init__(
        self,
        table: Table,
        *,
        header_row: int,
        mapping: dict[int, str],
        headers: list[str],
        owner: Organisation,
        places: PlaceIndex,
        default_fiscal_year: int | None = None,
    ) -> None:
        self.table = table
        self.header_row = header_row
        self.mapping = {c: f for c, f in mapping.items() if f}
        self.headers = headers
        self.owner = owner
        self.places = places
        self.default_fy = default_fiscal_year
        self.columns: dict[str, list[int]] = {}
        for col, name in sorted(self.mapping.items()):
            self.columns.setdefault(name, []).append(col)
        self.budget_years = {
            col: header_year(headers[col] if col < len(headers) else "")
            for col in self.columns.get(F.BUDGET, [])
        }
        self.title_cols = set(self.columns.get(F.TITLE, []))
        self.header_keys = {header_key(h) for h in headers if header_key(h)}
        self.in_footnotes = False
        self._orgs = _organisation_index()
        self._themes = _vocabulary(Theme.objects.all())
        self._groups = _vocabulary(TargetGroup.objects.all())
        # Words every row may need, translated once (gettext per row costs seconds at 100k).
        self._choices = (
            (
                F.STATUS,
                STATUS_WORDS,
                "status",
                _("สถานะ"),
                _("วางแผน, กำลังดำเนินการ, เสร็จสิ้น, ยกเลิก"),
            ),
            (
                F.VISIBILITY,
                VISIBILITY_WORDS,
                "visibility",
                _("การเปิดเผย"),
                _("สาธารณะ, ภาคี, เฉพาะองค์กร"),
            ),
        )
        self._theme_label = _("ประเด็น")
        self._group_label = _("กลุ่มเป้าหมาย")
        # What an unknown value's fix lists: the names a cell may use.
        self._accepted: dict[str, str] = {
            F.THEMES: ", ".join(
                Theme.objects.filter(is_active=True).values_list("name_th", flat=True)
            ),
            F.TARGET_GROUP: ", ".join(TargetGroup.objects.values_list("name_th", flat=True)),
        }
        self._lookups: dict[tuple[str, str], int | None] = {}  # a sheet repeats a few words

    # ----------------------------------------------------------------------------- helpers

    def header(self, col: int) -> str:
        return self.headers[col] if col < len(self.headers) else ""

    def where(self, name: str) -> tuple[str, str]:
        """(column letters, header text) of the columns mapped to ``name``."""
        cols = self.columns.get(name, [])
        return (
            ", ".join(column_letter(c) for c in cols),
            " / ".join(self.header(c) for c in cols if self.header(c)),
        )

    def problem(self, row: ParsedRow, name: str, message: str, fix: str = "") -> None:
        column, header = self.where(name)
        row.problems.append(Problem(column, header, message, fix))

    def warn(self, row: ParsedRow, name: str, message: str) -> None:
        column, header = self.where(name)
        row.warnings.append(Problem(column, header, message))

    def raw(self, values: list[Any], name: str) -> Any:
        for col in self.columns.get(name, []):
            if col < len(values) and values[col] is not None:
                return values[col]
        return None

    def value(self, row: ParsedRow, values: list[Any], name: str) -> Any:
        """The cell for ``name``, with formulas handled: literal text for free-text columns
        (and a warning), None and a problem for the rest."""
        cell = self.raw(values, name)
        if isinstance(cell, Formula):
            if name in LITERAL_FORMULA_FIELDS:
                self.warn(
                    row,
                    name,
                    _("เซลล์นี้เป็นสูตร (%(formula)s): เก็บเป็นข้อความตามที่เขียน ไม่ได้คำนวณ")
                    % {"formula": cell[:80]},
                )
                return str(cell)
            self.problem(
                row,
                name,
                _("เซลล์นี้เป็นสูตร (%(formula)s): ระบบไม่คำนวณสูตร จึงไม่นำเข้าแถวนี้")
                % {"formula": cell[:80]},
                _("พิมพ์ค่าลงในเซลล์แทนสูตร (คัดลอก แล้ววางแบบค่า)"),
            )
            return None
        return cell

    def text(self, row: ParsedRow, values: list[Any], name: str) -> str:
        return as_text(self.value(row, values, name))

    # -------------------------------------------------------------------------- classifying

    def skip_reason(self, values: list[Any]) -> str:
        """Why this row is not a project, or "". Ordered so an ordinary row (a title and
        several cells) is recognised after a few cheap tests."""
        filled = [(c, v) for c, v in enumerate(values) if v is not None and as_text(v) != ""]
        if not filled:
            return _("แถวว่าง")
        first_value = filled[0][1]
        first = "" if isinstance(first_value, Formula) else as_text(first_value)
        if self.in_footnotes and len(filled) <= 2:
            return _("ข้อความต่อจากหมายเหตุท้ายตาราง")
        if len(filled) <= 2 and first and _FOOTNOTE.match(first):
            self.in_footnotes = True
            return _("หมายเหตุหรือที่มาท้ายตาราง (“%(text)s”)") % {"text": first[:60]}
        title = " ".join(as_text(values[c]) for c in self.title_cols if c < len(values))
        if not title or _TOTAL.match(title):
            for _c, v in filled:
                text = "" if isinstance(v, Formula) else as_text(v)
                if text and _TOTAL.match(normalise_digits(text)):
                    return _("แถวรวมยอด (“%(text)s”) ไม่ใช่โครงการ") % {"text": text[:40]}
        if title and _SUBTOTAL.match(title) and not self._names_a_project(values):
            return _("แถวรวมยอด (“%(text)s”) ไม่ใช่โครงการ") % {"text": title[:40]}
        if not title and any(isinstance(v, Formula) and "SUM" in v.upper() for _c, v in filled):
            return _("แถวรวมยอด (มีสูตร SUM และไม่มีชื่อโครงการ) ไม่ใช่โครงการ")
        if len(filled) >= 3 and header_key(title) in self.header_keys:
            keys = [header_key(v) for _c, v in filled if not isinstance(v, Formula)]
            if sum(1 for k in keys if k in self.header_keys) >= max(3, len(keys) - 1):
                return _("หัวตารางซ้ำ")
        if len(filled) == 1 and filled[0][0] not in self.title_cols:
            return _("มีข้อความเพียงช่องเดียว (“%(text)s”) จึงถือเป็นหัวข้อกลุ่ม ไม่ใช่โครงการ") % {
                "text": as_text(filled[0][1])[:60]
            }
        return ""

    def _names_a_project(self, values: list[Any]) -> bool:
        """Whether the row has a project code or a place: what a subtotal row never has."""
        for name in (F.REF_CODE, F.SUBDISTRICT, F.DISTRICT, F.PROVINCE, F.AREA_CODE, F.PLACE):
            for col in self.columns.get(name, []):
                if col < len(values) and values[col] is not None and as_text(values[col]):
                    return True
        return False

    # ----------------------------------------------------------------------------- reading

    def read(self, index: int) -> ParsedRow:
        values = self.table.rows[index]
        row = ParsedRow(number=index + 1)
        reason = self.skip_reason(values)
        if reason:
            row.skip_reason = reason
            return row
        self.in_footnotes = False
        data = ProjectData(owner_id=self.owner.pk, title="")
        row.data = data

        data.title = self._title(row, values)
        row.title = data.title
        data.ref_code = self._ref_code(row, values)
        row.ref_code = data.ref_code
        owner = self._owner(row, values)
        if owner is not None:
            data.owner_id = owner
        data.summary = self.text(row, values, F.SUMMARY)
        data.objectives = self.text(row, values, F.OBJECTIVES)
        for name, words, attr, what, accepted in self._choices:
            try:
                found = parse_choice(self.value(row, values, name), words, what, accepted)
            except CellError as exc:
                self.problem(row, name, exc.message, exc.fix)
                found = None
            if found:
                setattr(data, attr, found)
        self._dates(row, values, data)
        self._places(row, values, data)
        self._roles(row, values, data)
        data.theme_ids = self._vocab(row, values, F.THEMES, self._themes, self._theme_label)
        self._targets(row, values, data)
        self._budget(row, values, data)
        self._contacts(row, values, data)
        self._links(row, values, data)
        for name, attr in GIVES.items():
            if name in self.columns and self.raw(values, name) is not None:
                row.given.add(attr)
        if F.PERIOD in self.columns and self.raw(values, F.PERIOD) is not None:
            row.given.update({"start_date", "end_date"})
        return row

    def _title(self, row: ParsedRow, values: list[Any]) -> str:
        return re.sub(r"\s+", " ", self.text(row, values, F.TITLE)).strip()

    def _ref_code(self, row: ParsedRow, values: list[Any]) -> str:
        return normalise_digits(self.text(row, values, F.REF_CODE)).strip()

    def _owner(self, row: ParsedRow, values: list[Any]) -> int | None:
        text = self.text(row, values, F.OWNER)
        if not text:
            return None
        found = self._orgs.get(header_key(text))
        if found is None:
            self.problem(
                row,
                F.OWNER,
                _("ไม่พบหน่วยงาน “%(name)s” ในระบบ") % {"name": text},
                _(
                    "ใช้ชื่อย่อหรือชื่อเต็มของหน่วยงานที่มีในระบบ เช่น %(owner)s "
                    "หรือเว้นว่างเพื่อใช้หน่วยงานที่เลือกตอนนำเข้า"
                )
                % {"owner": self.owner.label},
            )
        return found

    def _dates(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        for name, attr, end in (
            (F.START_DATE, "start_date", False),
            (F.END_DATE, "end_date", True),
        ):
            try:
                setattr(data, attr, parse_date(self.value(row, values, name), end_of_month=end))
            except CellError as exc:
                self.problem(row, name, exc.message, exc.fix)
        if F.PERIOD in self.columns:
            try:
                start, end_date = parse_period(self.value(row, values, F.PERIOD))
            except CellError as exc:
                self.problem(row, F.PERIOD, exc.message, exc.fix)
            else:
                data.start_date = data.start_date or start
                data.end_date = data.end_date or end_date

    def _places(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        parts = {}
        for name in (F.SUBDISTRICT, F.DISTRICT, F.PROVINCE, F.AREA_CODE, F.PLACE):
            parts[name] = self.text(row, values, name) if name in self.columns else ""
        found = self.places.resolve(
            subdistrict=parts[F.SUBDISTRICT],
            district=parts[F.DISTRICT],
            province=parts[F.PROVINCE],
            area_code=parts[F.AREA_CODE],
            place=parts[F.PLACE],
        )
        for problem in found.problems:
            column, header = self.where(problem.column)
            if not column:  # no such column: the place came from another place column
                column, header = self.where(_first_place_column(self.columns))
            row.problems.append(
                Problem(
                    column,
                    header,
                    problem.message,
                    problem.fix,
                    problem.key,
                    [(o.code, o.label) for o in problem.options],
                )
            )
        for column_field, message in found.warnings:
            self.warn(row, column_field, message)
        data.area_codes = list(found.codes)
        row.place = ", ".join(self.places.label(c) for c in found.codes)
        if any(parts.values()):
            row.given.add("area_codes")

    def _orgs_in(self, row: ParsedRow, values: list[Any], name: str) -> list[int]:
        found: list[int] = []
        for col in self.columns.get(name, []):
            cell = values[col] if col < len(values) else None
            if cell is None:
                continue
            if isinstance(cell, Formula):
                self.warn(row, name, _("เซลล์นี้เป็นสูตร: ไม่ได้นำเข้า"))
                continue
            for part in _split_list(as_text(cell)):
                org = self._orgs.get(header_key(part))
                if org is None:
                    self.warn(
                        row,
                        name,
                        _("ไม่พบหน่วยงาน “%(name)s” ในระบบ: ไม่ได้บันทึกเป็นภาคีของโครงการ")
                        % {"name": part},
                    )
                else:
                    found.append(org)
        return found

    def _roles(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        roles: list[tuple[int, str]] = []
        for org in self._orgs_in(row, values, F.IMPLEMENTING):
            roles.append((org, OrgRole.IMPLEMENTING.value))
        for org in self._orgs_in(row, values, F.PARTNERS):
            roles.append((org, OrgRole.PARTNER.value))
        data.roles = list(dict.fromkeys(roles))

    def _vocab(
        self, row: ParsedRow, values: list[Any], name: str, vocab: dict[str, int], what: str
    ) -> list[int]:
        found: list[int] = []
        for col in self.columns.get(name, []):
            cell = values[col] if col < len(values) else None
            if cell is None:
                continue
            if isinstance(cell, Formula):
                self.warn(row, name, _("เซลล์นี้เป็นสูตร: ไม่ได้นำเข้า"))
                continue
            for part in _split_list(as_text(cell)):
                memo = (name, part)
                if memo not in self._lookups:
                    self._lookups[memo] = _lookup(vocab, part)
                pk = self._lookups[memo]
                if pk is None:
                    # Rejected, not dropped: a project filed without the theme or group the
                    # agency wrote would be missing from every filter by it, silently.
                    self.problem(
                        row,
                        name,
                        _("ไม่รู้จัก%(what)s “%(text)s”") % {"what": what, "text": part},
                        _(
                            "เขียนให้ตรงกับชื่อใดชื่อหนึ่ง: %(accepted)s หรือลบค่านี้ออกจากเซลล์ "
                            "หากเป็น%(what)sใหม่ ขอให้ผู้ดูแลระบบเพิ่มในรายการก่อนแล้วนำเข้าอีกครั้ง"
                        )
                        % {"accepted": self._accepted.get(name, ""), "what": what},
                    )
                elif pk not in found:
                    found.append(pk)
        return found

    def _targets(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        groups = self._vocab(row, values, F.TARGET_GROUP, self._groups, self._group_label)
        count = None
        if F.TARGET_COUNT in self.columns:
            try:
                count = parse_count(self.value(row, values, F.TARGET_COUNT))
            except CellError as exc:
                self.problem(row, F.TARGET_COUNT, exc.message, exc.fix)
        if count is not None and not groups:
            self.warn(
                row,
                F.TARGET_COUNT,
                _("มีจำนวนเป้าหมายแต่ไม่ได้ระบุกลุ่มเป้าหมายที่ระบบรู้จัก: ไม่ได้บันทึกจำนวนนี้"),
            )
        # One number for several groups cannot be split between them: it goes with the first.
        data.targets = [
            TargetData(group, planned=count if i == 0 else None) for i, group in enumerate(groups)
        ]

    def _row_fiscal_year(self, row: ParsedRow, values: list[Any], data: ProjectData) -> int | None:
        if F.FISCAL_YEAR in self.columns:
            try:
                year = parse_fiscal_year(self.value(row, values, F.FISCAL_YEAR))
            except CellError as exc:
                self.problem(row, F.FISCAL_YEAR, exc.message, exc.fix)
                return None
            if year:
                return year
        if data.start_date:
            return fiscal_year(data.start_date)
        return self.default_fy

    def _budget(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        row_year = self._row_fiscal_year(row, values, data)
        stage = Stage.PLANNED.value
        if F.BUDGET_STAGE in self.columns:
            try:
                stage = (
                    parse_choice(
                        self.value(row, values, F.BUDGET_STAGE),
                        STAGE_WORDS,
                        _("สถานะงบ"),
                        _("ตั้งงบ, ผูกพันแล้ว, เบิกจ่ายแล้ว, ใช้จ่ายแล้ว"),
                    )
                    or stage
                )
            except CellError as exc:
                self.problem(row, F.BUDGET_STAGE, exc.message, exc.fix)
        source_id: int | None = None
        note = ""
        source_text = self.text(row, values, F.BUDGET_SOURCE)
        if source_text:
            source_id = self._orgs.get(header_key(source_text))
            if source_id is None:
                note = (_("แหล่งงบประมาณ: %(source)s") % {"source": source_text})[:300]
        lines: list[BudgetLineData] = []
        for col in self.columns.get(F.BUDGET, []):
            cell = values[col] if col < len(values) else None
            letter, header = column_letter(col), self.header(col)
            if isinstance(cell, Formula):
                row.problems.append(
                    Problem(
                        letter,
                        header,
                        _("เซลล์นี้เป็นสูตร (%(formula)s): ระบบไม่คำนวณสูตร จึงไม่นำเข้าแถวนี้")
                        % {"formula": cell[:80]},
                        _("พิมพ์จำนวนเงินลงในเซลล์แทนสูตร (คัดลอก แล้ววางแบบค่า)"),
                    )
                )
                continue
            try:
                amount = parse_amount(cell)
            except CellError as exc:
                row.problems.append(Problem(letter, header, exc.message, exc.fix))
                continue
            if amount is None:
                continue
            year = self.budget_years.get(col) or row_year
            if year is None:
                row.problems.append(
                    Problem(
                        letter,
                        header,
                        _("ไม่ทราบว่างบประมาณนี้เป็นของปีงบประมาณใด"),
                        _("เพิ่มคอลัมน์ปีงบประมาณ (เช่น 2568) หรือกรอกวันเริ่มโครงการ"),
                    )
                )
                continue
            lines.append(BudgetLineData(year, amount, stage, source_id, note))
        data.budget_lines = lines

    def _contacts(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        name = self.text(row, values, F.CONTACT_NAME)
        phone = normalise_digits(self.text(row, values, F.CONTACT_PHONE))
        email = self.text(row, values, F.CONTACT_EMAIL)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.warn(
                    row, F.CONTACT_EMAIL, _("อีเมล “%(email)s” ไม่ถูกต้อง: ไม่ได้บันทึก") % {"email": email}
                )
                email = ""
        if not (name or phone or email):
            return
        # A blank name is filled in later: from the stored contact on an update, else
        # "ไม่ระบุชื่อ" (see plan._merge / plan.decide).
        data.contacts = [
            {"name": name[:200], "position": "", "phone": phone[:60], "email": email[:254]}
        ]

    def _links(self, row: ParsedRow, values: list[Any], data: ProjectData) -> None:
        url = self.text(row, values, F.LINK)
        if not url:
            return
        if not re.match(r"(?i)^https?://", url):
            url = "https://" + url
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            self.warn(row, F.LINK, _("ลิงก์ “%(url)s” ไม่ถูกต้อง: ไม่ได้บันทึก") % {"url": url})
            return
        data.links = [{"url": url[:500], "label": ""}]


def _first_place_column(columns: dict[str, list[int]]) -> str:
    for name in (F.SUBDISTRICT, F.PLACE, F.AREA_CODE, F.DISTRICT, F.PROVINCE):
        if name in columns:
            return name
    return F.SUBDISTRICT


_LIST_SPLIT = re.compile(r"\s*(?:[,;\n、]|\s+และ\s+)\s*")


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(text) if p and p.strip()]


def _organisation_index() -> dict[str, int]:
    """Organisations by what people write for them: ชื่อย่อ with or without dots, full names,
    English names."""
    index: dict[str, int] = {}
    rows = Organisation.objects.values_list(
        "pk", "short_name", "short_name_en", "name_th", "name_en"
    )
    for pk, short, short_en, name_th, name_en in rows:
        for name in (short, short_en, name_th, name_en):
            key = header_key(name)
            if key:
                index.setdefault(key, pk)
        # "สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน)" is usually written without the bracket.
        bare = header_key(re.sub(r"\(.*?\)", "", name_th or ""))
        if bare:
            index.setdefault(bare, pk)
    return index


def _vocabulary(objects: Any) -> dict[str, int]:
    index: dict[str, int] = {}
    for obj in objects:
        for name in (obj.name_th, obj.name_en, obj.slug):
            if name:
                index.setdefault(vocabulary_key(name), obj.pk)
    return index


def _lookup(vocab: dict[str, int], text: str) -> int | None:
    """Exact (marks and case aside), else the one entry whose name contains the text or is
    contained in it ("ผู้สูงอายุ" → "ผู้สูงอายุ/สังคมสูงวัย")."""
    key = vocabulary_key(text)
    if not key:
        return None
    if key in vocab:
        return vocab[key]
    if len(key) < 3:
        return None
    near = {pk for name, pk in vocab.items() if key in name or (len(name) >= 3 and name in key)}
    return near.pop() if len(near) == 1 else None


def fold_title(title: str) -> str:
    """A title for comparison: Thai digits, case and spacing do not matter."""
    return re.sub(r"\s+", " ", normalise_digits(title)).strip().casefold()


def fiscal_span(data: ProjectData) -> tuple[int | None, int | None]:
    """The fiscal years the data spans, computed exactly as the project services store them."""
    return _fiscal_span(data)


def identity(data: ProjectData) -> tuple[Any, ...]:
    """What makes a row without a รหัสโครงการ the same project as one already registered:
    owner, title, areas and fiscal years."""
    return (
        data.owner_id,
        fold_title(data.title),
        tuple(sorted(set(data.area_codes))),
        *fiscal_span(data),
    )
