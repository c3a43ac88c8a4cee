"""From records to outcomes: every value of the file is looked up and checked, then compared
with what is stored.

Two passes. ``resolve`` reads the file and checks each value on its own and against the rest of
the file (unknown indicator or area, period type, number, range, permission, duplicates); it
needs no lock, so a background import reports progress while it runs. ``classify`` compares the
values that passed with the stored ones (create / update / unchanged / conflict); a commit runs
it inside its transaction, after locking, so what it writes is exactly what it compared.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection

from saan.areas.models import Area, Level
from saan.areas.queries import search_areas
from saan.core.thai import normalise_digits
from saan.indicators.importing import cells
from saan.indicators.importing import messages as msg
from saan.indicators.importing.reading import OpenedFile
from saan.indicators.importing.shapes import (
    Cells,
    Layout,
    Record,
    cell_text,
    fold_header,
    read_records,
)
from saan.indicators.models import Aggregation, DataValue, Indicator, State
from saan.indicators.periods import PeriodError, parse_period
from saan.indicators.services import can_enter, clean_number

CREATE, UPDATE, UNCHANGED = msg.CREATE, msg.UPDATE, msg.UNCHANGED
SKIPPED, CONFLICT, REJECTED = msg.SKIPPED, msg.CONFLICT, msg.REJECTED
REPORT_LIMIT = 2000  # outcomes kept per kind for create / update / unchanged
PROBLEM_LIMIT = 20000  # and for skipped / conflict / rejected
BREAKDOWN_MAX = 40
SOURCE_MAX = 300
NUMBERS_REMEMBERED = 50_000  # distinct number texts the fast path keeps
Progress = Callable[[int, int], None]
Key = tuple[int, str, str, str]  # indicator id, area code, period, breakdown


@dataclass(frozen=True)
class Options:
    """What the person chose besides the file."""

    indicator: str = ""  # for files without an indicator column
    period: str = ""  # for files without a period column
    skip_rejected: bool = False  # commit the rest when some values are refused
    reopen: frozenset[int] = frozenset()  # ids of accepted values the file may change
    report_limit: int | None = REPORT_LIMIT  # None keeps every outcome (the command line)

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "period": self.period,
            "skip_rejected": self.skip_rejected,
            "reopen": sorted(self.reopen),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Options:
        return cls(
            indicator=data.get("indicator", ""),
            period=data.get("period", ""),
            skip_rejected=bool(data.get("skip_rejected")),
            reopen=frozenset(int(i) for i in data.get("reopen", [])),
        )


class Outcome(NamedTuple):
    """What happens to one value; ``column`` names the cell the message is about."""

    row: int
    column: str
    kind: str
    message: str
    indicator: str = ""
    area: str = ""
    period: str = ""
    breakdown: str = ""
    value: str = ""
    old: str = ""
    value_id: int | None = None

    def as_json(self) -> list[Any]:
        return list(self)

    @classmethod
    def from_json(cls, data: list[Any]) -> Outcome:
        return cls(*data)


# A value that passed every check of its own: where it came from and what it says, as a plain
# tuple (a million of them are built in an import): (row, column, value, source).
Entry = tuple[int, str, Decimal, str]
ROW: Final = 0
COLUMN: Final = 1
VALUE: Final = 2
SOURCE: Final = 3


class Change(NamedTuple):
    """A value to write. ``old`` is the stored row for an update: (id, value, state, note,
    source)."""

    key: Key
    value: Decimal
    source: str
    old: tuple[int, Decimal, str, str, str] | None


def display(number: Decimal | None) -> str:
    """A value as people read it: no trailing zeros, no exponent."""
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Report:
    """Counts of every outcome, and the outcomes themselves up to the limits."""

    def __init__(self, limit: int | None) -> None:
        self.counts: Counter[str] = Counter()
        self.outcomes: list[Outcome] = []
        self.limit = limit

    def keep(self, kind: str) -> bool:
        """Count one outcome of this kind; whether to keep it (build it only then)."""
        self.counts[kind] += 1
        if self.limit is None:
            return True
        cap = PROBLEM_LIMIT if kind in (SKIPPED, CONFLICT, REJECTED) else self.limit
        return self.counts[kind] <= cap

    def add(self, outcome: Outcome) -> None:
        if self.keep(outcome.kind):
            self.outcomes.append(outcome)

    def room(self, kind: str) -> float:
        """How many more outcomes of this kind would be kept (infinity without a limit)."""
        if self.limit is None:
            return float("inf")
        cap = PROBLEM_LIMIT if kind in (SKIPPED, CONFLICT, REJECTED) else self.limit
        return max(0, cap - self.counts[kind])

    def keep_first(self, kind: str, n: int) -> int:
        """Count n outcomes of this kind at once; how many of them to keep (the first ones)."""
        before = self.counts[kind]
        self.counts[kind] = before + n
        if self.limit is None:
            return n
        cap = PROBLEM_LIMIT if kind in (SKIPPED, CONFLICT, REJECTED) else self.limit
        return max(0, min(n, cap - before))


# ------------------------------------------------------------------------------ look-ups


class Catalogue:
    """Indicators by code or Thai/English name, read once per import."""

    def __init__(self) -> None:
        self.by_code: dict[str, Indicator] = {}
        self.by_name: dict[str, Indicator] = {}
        for indicator in Indicator.objects.all():
            self.by_code[indicator.code] = indicator
            self.by_name.setdefault(fold_header(indicator.code), indicator)
            for name in (indicator.name_th, indicator.name_en):
                if name:
                    self.by_name.setdefault(fold_header(name), indicator)
        self._cache: dict[str, Indicator | None] = {}

    def find(self, text: str) -> Indicator | None:
        try:
            return self._cache[text]
        except KeyError:
            pass
        found = self.by_code.get(text) or self.by_name.get(fold_header(text))
        self._cache[text] = found
        return found

    def is_header(self, text: str) -> bool:
        return bool(text) and self.find(text) is not None


class Places:
    """Areas by DOPA code or by name as people write it, each looked up once per import."""

    def __init__(self) -> None:
        self._levels: dict[str, str] | None = None
        self._cache: dict[tuple[str, str], tuple[str | None, str]] = {}

    @property
    def levels(self) -> dict[str, str]:
        """Every area's level by code: 8,441 pairs, read on the first code looked up."""
        if self._levels is None:
            self._levels = dict(Area.objects.values_list("code", "level"))
        return self._levels

    def find(self, text: str, level: str) -> tuple[str | None, str]:
        """(area code, "") or (None, Thai reason)."""
        key = (text, level)
        try:
            return self._cache[key]
        except KeyError:
            pass
        result = self._find(text, level)
        self._cache[key] = result
        return result

    def _find(self, text: str, level: str) -> tuple[str | None, str]:
        compact = normalise_digits(text).replace(" ", "")
        if compact.isdigit():
            found = self.levels.get(compact)
            if found is None:
                return None, msg.unknown_area(text)
            if found != level:
                area = Area.objects.get(code=compact)
                return None, msg.wrong_level(
                    str(Level(level).label), area.full_name, str(Level(found).label)
                )
            return compact, ""
        exact = [m for m in search_areas(text, level=level, fuzzy=False, limit=20) if m.rank == 0]
        if len(exact) == 1:
            return exact[0].area.code, ""
        if len(exact) > 1:
            codes = ", ".join(f"{m.area.code} {m.area.full_name}" for m in exact[:5])
            return None, msg.ambiguous_area(text, codes)
        guesses = search_areas(text, level=level, fuzzy=True, limit=1)
        if guesses:
            guess = guesses[0].area
            place = " ".join(a.full_name for a in [guess, *reversed(guess.ancestors())])
            return None, msg.unknown_area_guess(text, f"{place} ({guess.code})")
        return None, msg.unknown_area(text)


# ------------------------------------------------------------------------------- pass one


@dataclass
class Resolved:
    """The file read and checked value by value: ``entries`` are the values that passed, in
    file order; everything else is already in ``report``."""

    layout: Layout
    file_format: str
    report: Report
    entries: dict[Key, Entry] = field(default_factory=dict)
    indicators: dict[int, Indicator] = field(default_factory=dict)
    read: int = 0


def resolve(
    opened: OpenedFile,
    *,
    actor: Any,
    options: Options,
    progress: Progress | None = None,
) -> Resolved:
    catalogue = Catalogue()
    places = Places()
    layout, records, fast_cells = read_records(
        opened,
        is_indicator=catalogue.is_header,
        default_indicator=options.indicator,
        default_period=options.period,
    )
    report = Report(options.report_limit)
    result = Resolved(layout=layout, file_format=opened.format, report=report)
    checker = _Checker(catalogue, places, actor, layout.area_col, result)
    with no_collection():
        if fast_cells is not None:
            _resolve_cells(fast_cells, checker, result, layout.total, progress)
        else:
            last_row = 0
            for record in records:
                if progress is not None and record.row != last_row and record.row % 5000 == 0:
                    progress(record.row, layout.total)
                last_row = record.row
                checker.add(record)
    if progress is not None:
        progress(layout.total, layout.total)
    return result


@contextmanager
def no_collection() -> Iterator[None]:
    """No cyclic garbage collection while building a million small tuples that make no cycles
    (the collector would scan them again and again: a quarter of the time). Reference counting
    still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Checker:
    """Checks records one by one (``_check``), keeping what it looked up for the next ones,
    and files each value in the result: an entry, a duplicate or another outcome."""

    def __init__(
        self, catalogue: Catalogue, places: Places, actor: Any, area_col: str, result: Resolved
    ) -> None:
        self.catalogue = catalogue
        self.places = places
        self.actor = actor
        self.area_col = area_col
        self.result = result
        self.allowed: dict[str, bool] = {}
        self.periods: dict[tuple[str, str], tuple[str | None, str]] = {}
        self.limits: dict[int, tuple[bool, Decimal | None, Decimal | None]] = {}

    def add(self, record: Record) -> None:
        result = self.result
        result.read += 1
        outcome = _check(
            record,
            self.catalogue,
            self.places,
            self.allowed,
            self.periods,
            self.limits,
            self.actor,
            self.area_col,
        )
        if isinstance(outcome, Outcome):
            result.report.add(outcome)
            return
        key, entry, indicator = outcome
        first = result.entries.get(key)
        if first is not None:
            result.report.add(
                Outcome(
                    record.row,
                    record.value_col,
                    REJECTED,
                    msg.duplicate(first[ROW], first[COLUMN]),
                    indicator.code,
                    key[1],
                    key[2],
                    key[3],
                    display(entry[VALUE]),
                )
            )
            return
        result.entries[key] = entry
        result.indicators[key[0]] = indicator

    def area(self, text: str, level: str) -> str:
        """The code of the area this cell text names at this level, if the person may enter
        values there; "" for anything else."""
        if not text:
            return ""
        code, _reason = self.places.find(text, level)
        if code is None:
            return ""
        allowed = self.allowed.get(code)
        if allowed is None:
            allowed = self.allowed[code] = can_enter(self.actor, code)
        return code if allowed else ""


# What the fast path knows of one indicator, by the text of its cell: its id, its areas and
# periods by the text of their cells (the area's code or the period, or "": that cell needs the
# usual reading), and what its values may not be (``clean_number``'s checks: negative, below,
# above), or None when no check applies.
_Fast = tuple[
    int, dict[str, str], dict[str, str], tuple[bool, Decimal | None, Decimal | None] | None
]


def _resolve_cells(
    table: Cells, checker: _Checker, result: Resolved, total: int, progress: Progress | None
) -> None:
    """``resolve`` over a table of text cells. A row whose every cell is the common case (an
    indicator, area and period already read once and found good, a plain number within the
    indicator's limits, no breakdown or source, not a duplicate) becomes entries here at once;
    any other row is read and checked like every row of other files (``table.records`` and
    ``_Checker.add``), so its outcomes and messages are the same."""
    catalogue = checker.catalogue
    entries = result.entries
    indicators = result.indicators
    numbers: dict[str, Decimal | None] = {}
    by_indicator: dict[str, _Fast | None] = {}
    areas_by_level: dict[str, dict[str, str]] = {}
    periods_by_type: dict[str, dict[str, str]] = {}
    levels: dict[int, str] = {}
    period_types: dict[int, str] = {}
    default_indicator, default_period = table.default_indicator, table.default_period
    ind_col, area_col, period_col = table.indicator, table.area, table.period
    breakdown_col, source_col = table.breakdown, table.source
    width, header_row, values = table.width, table.header_row, table.values
    row_records = table.records
    add = checker.add

    def indicator_of(raw: str) -> _Fast | None:
        text = cell_text(raw) or default_indicator
        indicator = catalogue.find(text) if text else None
        if indicator is None or indicator.aggregation == Aggregation.RATIO:
            return None
        indicators.setdefault(indicator.id, indicator)
        levels[indicator.id] = indicator.base_level
        period_types[indicator.id] = indicator.period_type
        limits = _limits(indicator)
        return (
            indicator.id,
            areas_by_level.setdefault(indicator.base_level, {}),
            periods_by_type.setdefault(indicator.period_type, {}),
            limits if limits != (False, None, None) else None,
        )

    def area_of(raw: str, indicator_id: int) -> str:
        return checker.area(cell_text(raw), levels[indicator_id])

    def period_of(raw: str, indicator_id: int) -> str:
        text = cell_text(raw) or default_period
        if not text:
            return ""
        try:
            return parse_period(text, period_types[indicator_id])
        except PeriodError:
            return ""

    def number_of(raw: str) -> Decimal | None:
        """The number in a cell that is not plain digits, remembered for the next cell with
        the same text (up to a bound: a file of a million distinct decimals stays small)."""
        if cells.is_missing(cells.text(raw)):
            found = None
        else:
            try:
                found = cells.number(raw)
            except (cells.NotANumber, cells.TooLarge):
                found = None
        if len(numbers) < NUMBERS_REMEMBERED:
            numbers[raw] = found
        return found

    def out_of_limits(value: Decimal, limits: tuple[bool, Decimal | None, Decimal | None]) -> bool:
        non_negative, low, high = limits
        return (
            (non_negative and value < 0)
            or (low is not None and value < low)
            or (high is not None and value > high)
        )

    def wide_row(
        number: int, row: list[str], row_indicator: str, row_period: str, area_text: str
    ) -> int:
        """The values of a row of a wide table as entries, if every one is the common case;
        otherwise none of them (0)."""
        added: list[Key] = []
        for index, label, ind_title, period_title in values:
            ind_text = row_indicator if ind_title is None else ind_title
            fast = by_indicator.get(ind_text)
            if fast is None and ind_text not in by_indicator:
                fast = by_indicator[ind_text] = indicator_of(ind_text)
            if fast is None:
                break
            indicator_id, areas, periods, limits = fast
            code = areas.get(area_text)
            if code is None:
                code = areas[area_text] = area_of(area_text, indicator_id)
            period_text = row_period if period_title is None else period_title
            pid = periods.get(period_text)
            if pid is None:
                pid = periods[period_text] = period_of(period_text, indicator_id)
            raw = row[index]
            value = numbers[raw] if raw in numbers else number_of(raw)
            if not code or not pid or value is None:
                break
            if limits is not None and out_of_limits(value, limits):
                break
            key = (indicator_id, code, pid, "")
            if key in entries:
                break
            entries[key] = (number, label, value, "")
            added.append(key)
        else:
            return len(added)
        for key in added:  # one value of the row needs the usual reading: all of them get it
            del entries[key]
        return 0

    first = values[0]
    single = first if len(values) == 1 and first[2] is None and first[3] is None else None
    fast_read = 0
    for number, row in table.rows():
        if number <= header_row:
            continue
        if number % 5000 == 0 and progress is not None:
            progress(number, total)
        if (
            len(row) < width
            or (breakdown_col is not None and row[breakdown_col] != "")
            or (source_col is not None and row[source_col] != "")
        ):
            for record in row_records(number, row):
                add(record)
            continue
        row_indicator = row[ind_col] if ind_col is not None else ""
        row_period = row[period_col] if period_col is not None else ""
        area_text = row[area_col]
        if single is not None:
            # The long shape: one value per row, the loop below unrolled.
            fast = by_indicator.get(row_indicator)
            if fast is None and row_indicator not in by_indicator:
                fast = by_indicator[row_indicator] = indicator_of(row_indicator)
            if fast is not None:
                indicator_id, areas, periods, limits = fast
                code = areas.get(area_text)
                if code is None:
                    code = areas[area_text] = area_of(area_text, indicator_id)
                pid = periods.get(row_period)
                if pid is None:
                    pid = periods[row_period] = period_of(row_period, indicator_id)
                raw = row[single[0]]
                if raw.isdigit() and raw.isascii() and len(raw) <= 16:
                    value: Decimal | None = Decimal(raw)
                elif raw in numbers:
                    value = numbers[raw]
                else:
                    value = number_of(raw)
                if (
                    code
                    and pid
                    and value is not None
                    and (limits is None or not out_of_limits(value, limits))
                ):
                    key = (indicator_id, code, pid, "")
                    if key not in entries:
                        entries[key] = (number, single[1], value, "")
                        fast_read += 1
                        continue
        else:
            added = wide_row(number, row, row_indicator, row_period, area_text)
            if added:
                fast_read += added
                continue
        for record in row_records(number, row):
            add(record)
    result.read += fast_read


def _stop(record: Record, kind: str, column: str, message: str, code: str = "") -> Outcome:
    return Outcome(
        record.row,
        column,
        kind,
        message,
        code or record.indicator,
        record.area,
        record.period,
        record.breakdown,
        cells.text(record.value),
    )


_NON_NEGATIVE = ("count", "amount", "percentage")


def _limits(indicator: Indicator) -> tuple[bool, Decimal | None, Decimal | None]:
    """What ``clean_number`` checks for this indicator, so the common value skips it."""
    return (
        indicator.value_type in _NON_NEGATIVE,
        indicator.plausible_min,
        indicator.plausible_max,
    )


def _check(
    record: Record,
    catalogue: Catalogue,
    places: Places,
    allowed: dict[str, bool],
    periods: dict[tuple[str, str], tuple[str | None, str]],
    limits: dict[int, tuple[bool, Decimal | None, Decimal | None]],
    actor: Any,
    area_col: str,
) -> Outcome | tuple[Key, Entry, Indicator]:
    """One value on its own: the outcome that stops it, or its key and entry. Checks run in
    the order a person fixes a file: missing, indicator, area, permission, period, number."""
    raw = record.value
    if record.problem is not None:
        return _stop(record, record.problem[0], record.value_col, record.problem[1])
    if raw is None or type(raw) is str:
        raw_text = cells.text(raw)
        if cells.is_missing(raw_text):
            return _stop(record, SKIPPED, record.value_col, msg.missing_value(raw_text))
    ind_text = record.indicator
    if not ind_text:
        return _stop(record, REJECTED, record.indicator_col, msg.missing_indicator())
    indicator = catalogue.find(ind_text)
    if indicator is None:
        return _stop(record, REJECTED, record.indicator_col, msg.unknown_indicator(ind_text))
    code_of_indicator = indicator.code
    if indicator.aggregation == Aggregation.RATIO:
        return _stop(
            record, REJECTED, record.indicator_col, msg.derived_indicator(), code_of_indicator
        )
    if not record.area:
        return _stop(record, REJECTED, area_col, msg.missing_area(), code_of_indicator)
    code, reason = places.find(record.area, indicator.base_level)
    if code is None:
        return _stop(record, REJECTED, area_col, reason, code_of_indicator)
    permitted = allowed.get(code)
    if permitted is None:
        permitted = allowed[code] = can_enter(actor, code)
    if not permitted:
        return _stop(record, REJECTED, area_col, msg.no_permission(), code_of_indicator)
    period_text = record.period
    if not period_text:
        return _stop(record, REJECTED, record.period_col, msg.missing_period(), code_of_indicator)
    period_key = (period_text, indicator.period_type)
    found = periods.get(period_key)
    if found is None:
        try:
            found = (parse_period(period_text, indicator.period_type), "")
        except PeriodError as exc:
            found = (None, str(exc))
        periods[period_key] = found
    pid, reason = found
    if pid is None:
        return _stop(record, REJECTED, record.period_col, reason, code_of_indicator)
    try:
        number = cells.number(raw)
    except cells.NotANumber:
        message = msg.not_a_number(cells.text(raw))
        return _stop(record, REJECTED, record.value_col, message, code_of_indicator)
    except cells.TooLarge:
        return _stop(record, REJECTED, record.value_col, msg.too_large(), code_of_indicator)
    if isinstance(raw, cells.PercentCell) and cells.is_percent_unit(
        indicator.value_type, indicator.unit
    ):
        number = cells.number(cells.shown_percent(raw))  # 0.125 shown as 12.5% → 12.5
    indicator_id: int = indicator.id
    limit = limits.get(indicator_id)
    if limit is None:
        limit = limits[indicator_id] = _limits(indicator)
    non_negative, low, high = limit
    if (
        (non_negative and number < 0)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        try:
            clean_number(indicator, number)  # its messages, word for word
        except ValidationError as exc:
            message = "; ".join(exc.message_dict.get("value", exc.messages))
            return _stop(record, REJECTED, record.value_col, message, code_of_indicator)
    breakdown = record.breakdown
    if len(breakdown) > BREAKDOWN_MAX:
        return _stop(
            record, REJECTED, record.value_col, msg.breakdown_too_long(), code_of_indicator
        )
    source = record.source
    return (
        (indicator_id, code, pid, breakdown),
        (record.row, record.value_col, number, source[:SOURCE_MAX] if source else ""),
        indicator,
    )


# ------------------------------------------------------------------------------- pass two


@dataclass
class Plan:
    """Everything a commit will do, and everything the preview shows."""

    resolved: Resolved
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    reopened: int = 0

    @property
    def report(self) -> Report:
        return self.resolved.report

    @property
    def counts(self) -> dict[str, int]:
        counts = {kind: self.report.counts.get(kind, 0) for kind in msg.KINDS}
        counts["reopened"] = self.reopened
        counts["read"] = self.resolved.read
        return counts

    @property
    def changes(self) -> list[Change]:
        return self.creates + self.updates

    @property
    def pairs(self) -> set[tuple[int, str]]:
        return {(c.key[0], c.key[2]) for c in self.changes}

    @property
    def area_codes(self) -> set[str]:
        return {c.key[1] for c in self.changes}

    def sorted_outcomes(self) -> list[Outcome]:
        return sorted(self.report.outcomes, key=lambda o: (o.row, o.column))


StoredRow = tuple[int, Decimal, str, str, str]  # id, value, state, note, source


def stored_values(keys: Iterable[Key]) -> dict[Key, StoredRow]:
    """The stored values for these keys, read in one query with the database cursor (the ORM's
    per-row conversions cost more than the query at a million rows)."""
    keys = list(keys)
    if not keys:
        return {}
    indicator_ids = sorted({k[0] for k in keys})
    periods = sorted({k[2] for k in keys})
    codes = sorted({k[1] for k in keys})
    table = connection.ops.quote_name(DataValue._meta.db_table)
    sql = (
        f"SELECT indicator_id, area_id, period, breakdown, id, value, state, note, source_note "  # noqa: S608
        f"FROM {table} WHERE indicator_id IN ({', '.join(['%s'] * len(indicator_ids))}) "
        f"AND period IN ({', '.join(['%s'] * len(periods))})"
    )
    params: list[Any] = [*indicator_ids, *periods]
    if len(codes) <= 500:
        sql += f" AND area_id IN ({', '.join(['%s'] * len(codes))})"
        params += codes
    found: dict[Key, StoredRow] = {}
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            if postgres:
                found.update({(r[0], r[1], r[2], r[3]): r[4:] for r in rows})
                continue
            for ind, area, period, breakdown, pk, value, state, note, source in rows:
                # SQLite hands back a float or an int
                found[(ind, area, period, breakdown)] = (
                    pk,
                    cells.number(value),
                    state,
                    note,
                    source,
                )
    return found


def classify(resolved: Resolved, options: Options) -> Plan:
    """Compare every entry with the stored value of its key: create, update, unchanged or
    conflict. The stored values come in one query; a new value costs one look-up and one
    tuple."""
    plan = Plan(resolved=resolved)
    report = resolved.report
    keep = report.keep
    entries = resolved.entries
    codes = {i: ind.code for i, ind in resolved.indicators.items()}
    reopen = options.reopen
    new_change = tuple.__new__

    def outcome(
        key: Key, entry: Entry, kind: str, message: str = "", old: str = "", pk: int | None = None
    ) -> Outcome:
        return Outcome(
            entry[ROW],
            entry[COLUMN],
            kind,
            message,
            codes[key[0]],
            key[1],
            key[2],
            key[3],
            display(entry[VALUE]),
            old,
            pk,
        )

    with no_collection():
        stored = stored_values(entries)
        if not stored:
            plan.creates = [
                new_change(Change, (key, entry[VALUE], entry[SOURCE], None))
                for key, entry in entries.items()
            ]
        else:
            fresh: list[Key] = []
            unchanged = 0  # counted at the end; outcomes kept while there is room
            room = report.room(UNCHANGED)
            for key, entry in entries.items():
                current = stored.get(key)
                if current is None:
                    fresh.append(key)
                    continue
                new = entry[VALUE]
                source = entry[SOURCE]
                pk, old, state, _note, old_source = current
                same_value = old == new
                if same_value and (not source or source == old_source or state == State.ACCEPTED):
                    unchanged += 1
                    if unchanged <= room:
                        report.outcomes.append(outcome(key, entry, UNCHANGED, "", display(old), pk))
                    continue
                if state == State.ACCEPTED and not same_value:
                    if pk not in reopen:
                        if keep(CONFLICT):
                            report.outcomes.append(
                                outcome(
                                    key, entry, CONFLICT, msg.accepted_conflict(), display(old), pk
                                )
                            )
                        continue
                    plan.reopened += 1
                    plan.updates.append(Change(key, new, source or old_source, current))
                    if keep(UPDATE):
                        report.outcomes.append(
                            outcome(key, entry, UPDATE, msg.reopened(), display(old), pk)
                        )
                    continue
                plan.updates.append(Change(key, new, source or old_source, current))
                if keep(UPDATE):
                    report.outcomes.append(outcome(key, entry, UPDATE, "", display(old), pk))
            report.keep_first(UNCHANGED, unchanged)
            plan.creates = [
                new_change(Change, (key, entries[key][VALUE], entries[key][SOURCE], None))
                for key in fresh
            ]
        shown = report.keep_first(CREATE, len(plan.creates))
        for change in plan.creates[:shown]:
            report.outcomes.append(outcome(change.key, entries[change.key], CREATE))
    return plan
