"""Writing a plan's values in bulk, with an audit row for every changed value.

- **PostgreSQL**: the new values go straight into the values table with ``COPY`` (psycopg's
  ``cursor.copy``), the same path as a raw bulk load: under the import's lock the plan's
  classification into creates and updates is authoritative, so there is no need for a costly
  ``INSERT … ON CONFLICT``. The changed values go into a temporary table with ``COPY``, then one
  ``UPDATE … FROM`` by id writes them and one ``INSERT … SELECT`` their audit rows.
- **SQLite**: ``executemany`` of an ``INSERT`` and of an ``UPDATE``, and of the audit rows.

Either way, a plan that no longer matches the table (a "new" key that exists, an updated row
that is gone) ends as ``ImportBlocked(changed_meanwhile)``, never a database error, and the
caller's transaction rolls back whatever was sent.

Rows go to the database a chunk at a time through ``_write_chunk``, the one place every row
passes (a test makes it fail half-way to prove that nothing is left behind). The caller holds
the transaction and the lock; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import IntegrityError, connection

from saan.audit.models import AuditEvent
from saan.audit.services import label_for
from saan.indicators.importing import messages as msg
from saan.indicators.importing.cells import FOUR_PLACES
from saan.indicators.importing.plan import Change, Plan
from saan.indicators.models import DataValue, State

CHUNK = 5000
STAGE = "saan_import_stage"
VALUE_COLUMNS = (
    "indicator_id, area_id, period, breakdown, value, source_note, organisation_id, state, "
    "note, entered_by_id, entered_at, state_by_id, state_at, updated_at"
)
# What a new value's row holds; organisation_id, state_by_id and state_at start NULL.
CREATE_COLUMNS = (
    "indicator_id, area_id, period, breakdown, value, source_note, state, note, entered_by_id, "
    "entered_at, updated_at"
)
Sink = Callable[[Sequence[Any]], None]


def _write_chunk(sink: Sink, rows: Sequence[Any]) -> None:
    """Send one chunk of rows (tuples, or the plan's changes) to the database."""
    sink(rows)


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _snapshot(value: Any, state: str, note: str, source: str) -> dict[str, Any]:
    # The shape services._snapshot gives, with the value as stored (four decimal places).
    return {"value": str(value.quantize(FOUR_PLACES)), "state": state, "note": note,
            "source_note": source}  # fmt: skip


def _label(change: Change) -> str:
    indicator_id, area, period, breakdown = change.key
    return f"{indicator_id} {area} {period} {breakdown}: {change.value.quantize(FOUR_PLACES)}"


def write(plan: Plan, *, actor: Any, now: dt.datetime, note: str) -> int:
    """Write the plan's creates and updates; the number of values written."""
    if not plan.creates and not plan.updates:
        return 0
    if connection.vendor == "postgresql":
        return _write_postgresql(plan, actor=actor, now=now, note=note)
    return _write_generic(plan, actor=actor, now=now, note=note)


def _actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


# ------------------------------------------------------------------------------ PostgreSQL


def _write_postgresql(plan: Plan, *, actor: Any, now: dt.datetime, note: str) -> int:
    import psycopg

    try:
        return _copy_and_update(plan, actor=actor, now=now, note=note)
    except (IntegrityError, psycopg.errors.IntegrityError):
        # A key the plan counted as new exists after all: the classification is stale. The
        # caller's transaction rolls back everything.
        raise msg.ImportBlocked(msg.changed_meanwhile()) from None


def _copy_and_update(plan: Plan, *, actor: Any, now: dt.datetime, note: str) -> int:
    user = _actor_id(actor)
    written = 0
    with connection.cursor() as cursor:
        if plan.creates:
            written += _copy_creates(cursor.cursor, plan.creates, user=user, now=now)
        if plan.updates:
            written += _stage_updates(cursor, plan.updates, actor=actor, now=now, note=note)
    return written


def _copy_creates(raw: Any, creates: list[Change], *, user: int | None, now: dt.datetime) -> int:
    """COPY the new values straight into the values table (under the import's lock the plan's
    creates are authoritative: a key that exists after all fails the unique key)."""
    values = connection.ops.quote_name(DataValue._meta.db_table)
    tail = (str(State.ENTERED), "", user, now, now)
    with raw.copy(f"COPY {values} ({CREATE_COLUMNS}) FROM STDIN") as copy:
        write_row = copy.write_row

        def sink(chunk: Sequence[Change]) -> None:
            for c in chunk:
                write_row((*c.key, c.value, c.source, *tail))

        for start in range(0, len(creates), CHUNK):
            _write_chunk(sink, creates[start : start + CHUNK])
    if raw.rowcount != len(creates):
        raise msg.ImportBlocked(msg.changed_meanwhile())
    return len(creates)


def _stage_updates(
    cursor: Any, updates: list[Change], *, actor: Any, now: dt.datetime, note: str
) -> int:
    """The changed values go into a temporary table, then one ``UPDATE … FROM`` by id and one
    ``INSERT … SELECT`` of their audit rows."""
    quote = connection.ops.quote_name
    values = quote(DataValue._meta.db_table)
    audit = quote(AuditEvent._meta.db_table)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (id bigint, indicator_id bigint, area_id varchar(6), "
        "period varchar(10), breakdown varchar(40), value numeric(20, 4), "
        "source_note varchar(300), old_value numeric(20, 4), old_state varchar(10), "
        "old_note varchar(500), old_source varchar(300)) ON COMMIT DROP"
    )
    with cursor.cursor.copy(
        f"COPY {STAGE} (id, indicator_id, area_id, period, breakdown, value, source_note, "
        "old_value, old_state, old_note, old_source) FROM STDIN"
    ) as copy:
        write_row = copy.write_row

        def sink(chunk: Sequence[Change]) -> None:
            for c in chunk:
                assert c.old is not None  # an update always has the stored row
                write_row((c.old[0], *c.key, c.value, c.source, *c.old[1:]))

        for start in range(0, len(updates), CHUNK):
            _write_chunk(sink, updates[start : start + CHUNK])
    cursor.execute(
        f"UPDATE {values} d SET value = s.value, source_note = s.source_note, "  # noqa: S608
        "state = %s, note = '', state_by_id = NULL, state_at = NULL, updated_at = %s "
        f"FROM {STAGE} s WHERE d.id = s.id",
        [State.ENTERED, now],
    )
    if cursor.rowcount != len(updates):
        raise msg.ImportBlocked(msg.changed_meanwhile())
    cursor.execute(
        f"INSERT INTO {audit} (at, actor_id, actor_label, action, target_type, "  # noqa: S608
        "target_id, target_label, area_code, before, after, note) "
        "SELECT %s::timestamptz, %s::bigint, %s::varchar, 'datavalue.set', "
        "'indicators.datavalue', s.id::text, "
        "s.indicator_id || ' ' || s.area_id || ' ' || s.period || ' ' || s.breakdown "
        "|| ': ' || s.value::text, s.area_id, "
        "jsonb_build_object('value', s.old_value::text, 'state', s.old_state, "
        "'note', s.old_note, 'source_note', s.old_source), "
        "jsonb_build_object('value', s.value::text, 'state', %s::text, 'note', '', "
        f"'source_note', s.source_note), %s::text FROM {STAGE} s",
        [now, _actor_id(actor), label_for(actor), State.ENTERED, note],
    )
    cursor.execute(f"DROP TABLE {STAGE}")
    return len(updates)


# ---------------------------------------------------------------------------------- SQLite


def _write_generic(plan: Plan, *, actor: Any, now: dt.datetime, note: str) -> int:
    values = connection.ops.quote_name(DataValue._meta.db_table)
    user = _actor_id(actor)
    stamp = connection.ops.adapt_datetimefield_value(now)
    written = 0
    with connection.cursor() as cursor:
        insert = (
            f"INSERT INTO {values} ({VALUE_COLUMNS}) VALUES "  # noqa: S608 (names from models)
            "(%s, %s, %s, %s, %s, %s, NULL, %s, '', %s, %s, NULL, NULL, %s)"
        )
        creates = ((*c.key, c.value, c.source, State.ENTERED, user, stamp, stamp)
                   for c in plan.creates)  # fmt: skip

        def run_insert(chunk: Sequence[tuple[Any, ...]]) -> None:
            try:
                cursor.executemany(insert, chunk)
            except IntegrityError:  # a key counted as new exists: the plan is stale
                raise msg.ImportBlocked(msg.changed_meanwhile()) from None

        for chunk in _chunks(creates, CHUNK):
            _write_chunk(run_insert, chunk)
            written += len(chunk)
        update = (
            f"UPDATE {values} SET value = %s, source_note = %s, state = %s, note = '', "  # noqa: S608
            "state_by_id = NULL, state_at = NULL, updated_at = %s WHERE id = %s"
        )
        updates = ((c.value, c.source, State.ENTERED, stamp, c.old[0])
                   for c in plan.updates if c.old is not None)  # fmt: skip
        changed = 0

        def run_update(chunk: Sequence[tuple[Any, ...]]) -> None:
            nonlocal changed
            cursor.executemany(update, chunk)
            changed += max(cursor.rowcount, 0)

        for chunk in _chunks(updates, CHUNK):
            _write_chunk(run_update, chunk)
        if changed != len(plan.updates):
            raise msg.ImportBlocked(msg.changed_meanwhile())
        written += changed
    audit = connection.ops.quote_name(AuditEvent._meta.db_table)
    insert_audit = (
        f"INSERT INTO {audit} (at, actor_id, actor_label, action, target_type, target_id, "  # noqa: S608
        "target_label, area_code, before, after, note) VALUES "
        "(%s, %s, %s, 'datavalue.set', 'indicators.datavalue', %s, %s, %s, %s, %s, %s)"
    )
    label = label_for(actor)
    events = (
        (
            stamp,
            user,
            label,
            str(c.old[0]),
            _label(c)[:300],
            c.key[1],
            json.dumps(_snapshot(c.old[1], c.old[2], c.old[3], c.old[4]), ensure_ascii=False),
            json.dumps(_snapshot(c.value, State.ENTERED, "", c.source), ensure_ascii=False),
            note,
        )
        for c in plan.updates
        if c.old is not None
    )
    with connection.cursor() as cursor:

        def run_audit(chunk: Sequence[tuple[Any, ...]]) -> None:
            cursor.executemany(insert_audit, chunk)

        for chunk in _chunks(events, CHUNK):
            _write_chunk(run_audit, chunk)
    return written
