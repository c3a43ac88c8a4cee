"""The values table is slim (no database foreign-key constraints, only the indexes that reads
use); integrity is kept by the ORM's delete rules, by the writers, and checked by
``check_values``. The importer's bulk writer turns a stale plan into a clear refusal.

ต.สาวะถี is 400108 and ต.ในเมือง 400101 (อ.เมืองขอนแก่น 4001, จ.ขอนแก่น 40).
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from saan.audit.models import AuditEvent
from saan.indicators.importing import messages as msg
from saan.indicators.importing import services, writing
from saan.indicators.importing.messages import ImportBlocked
from saan.indicators.importing.plan import Options
from saan.indicators.importing.services import commit_file
from saan.indicators.models import (
    DataValue,
    ImportStatus,
    Indicator,
    IndicatorImport,
    Rollup,
    State,
)
from saan.partners.models import Organisation, Sector

pytestmark = pytest.mark.django_db
FY68 = "2024Oct"


def a_value(indicator, area="400108", **fields):
    return DataValue.objects.create(
        indicator=indicator, area_id=area, period=FY68, value=12, **fields
    )


def import_text(actor, text):
    content = ("รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\n" + text.strip() + "\n").encode()
    return commit_file(actor=actor, content=content, filename="values.csv", options=Options())


def snapshot():
    return (
        list(DataValue.objects.order_by("pk").values()),
        list(Rollup.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
        IndicatorImport.objects.filter(status=ImportStatus.COMMITTED).count(),
    )


# ---------------------------------------------------------------------------- the schema


def test_the_values_table_has_no_foreign_key_constraints_and_two_indexes():
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert [name for name, c in constraints.items() if c["foreign_key"]] == []
    indexed = {
        tuple(c["columns"])
        for c in constraints.values()
        if (c["index"] or c["unique"]) and not c["primary_key"]
    }
    assert indexed == {
        ("indicator_id", "period", "area_id", "breakdown"),
        ("area_id", "indicator_id"),
    }


def test_the_rollup_table_has_no_foreign_key_constraint_and_no_indicator_index():
    table = Rollup._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert [name for name, c in constraints.items() if c["foreign_key"]] == []
    assert ("indicator_id",) not in {tuple(c["columns"]) for c in constraints.values()}


def test_deleting_an_indicator_without_values_still_removes_its_rollups(poor):
    Rollup.objects.create(indicator=poor, area_code="40", period=FY68, value=1)
    poor.delete()
    assert not Rollup.objects.filter(indicator_id=poor.pk).exists()


# ------------------------------------------------------------------- the ORM's delete rules


def test_an_indicator_with_values_cannot_be_deleted(poor):
    value = a_value(poor)
    with pytest.raises(ProtectedError):
        poor.delete()
    assert Indicator.objects.filter(pk=poor.pk).exists()
    assert DataValue.objects.get(pk=value.pk).indicator_id == poor.pk


def test_an_organisation_with_values_cannot_be_deleted(poor):
    org = Organisation.objects.create(name_th="หน่วยงานทดสอบ", sector=Sector.NATIONAL_AGENCY)
    value = a_value(poor, organisation=org)
    with pytest.raises(ProtectedError):
        org.delete()
    assert DataValue.objects.get(pk=value.pk).organisation_id == org.pk


def test_deleting_a_user_empties_who_entered_and_who_verified(poor):
    users = get_user_model().objects
    entered = users.create_user("entered-by", password="x-pass-12345")
    checked = users.create_user("state-by", password="x-pass-12345")
    value = a_value(poor, entered_by=entered, state_by=checked, state=State.VERIFIED)
    entered.delete()
    checked.delete()
    value.refresh_from_db()
    assert (value.entered_by_id, value.state_by_id, value.value) == (None, None, 12)


# ------------------------------------------------------------------------ check_values


def test_check_values_counts_orphans_inserted_around_the_orm(poor):
    a_value(poor)
    out = io.StringIO()
    call_command("check_values", stdout=out)
    assert "every value's references exist" in out.getvalue()
    table = connection.ops.quote_name(DataValue._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (indicator_id, area_id, period, breakdown, value, "  # noqa: S608
            "source_note, organisation_id, state, note, entered_by_id, entered_at, state_by_id, "
            "updated_at) VALUES (%s, %s, %s, '', 1, '', %s, 'entered', '', NULL, %s, %s, %s)",
            [poor.pk + 1000, "999999", FY68, 987654, now, 876543, now],
        )
    out = io.StringIO()
    with pytest.raises(CommandError, match="4 orphan references"):
        call_command("check_values", stdout=out)
    lines = out.getvalue().splitlines()
    assert "indicator: 1 values point at a missing row" in lines
    assert "area: 1 values point at a missing row" in lines
    assert "organisation: 1 values point at a missing row" in lines
    assert "entered_by: 0 values point at a missing row" in lines
    assert "state_by: 1 values point at a missing row" in lines


# ----------------------------------------------------------- the bulk writer and a stale plan


def _classify_then(monkeypatch, meddle):
    """Let the commit classify the file, then change the table behind the plan's back (in the
    same transaction, under the lock), as a bug or a writer going around the lock would."""
    real = services.classify

    def classify(resolved, options):
        plan = real(resolved, options)
        meddle(plan)
        return plan

    monkeypatch.setattr(services, "classify", classify)


def test_a_new_value_that_exists_after_all_ends_in_a_clear_refusal(cast, poor, monkeypatch):
    import_text(cast.admin, "poor-households,400102,2568,1")
    before = snapshot()

    def insert_one_of_the_creates(plan):
        indicator_id, area, period, breakdown = plan.creates[1].key
        DataValue.objects.create(
            indicator_id=indicator_id, area_id=area, period=period, breakdown=breakdown, value=1
        )

    _classify_then(monkeypatch, insert_one_of_the_creates)
    with pytest.raises(ImportBlocked) as refused:
        import_text(cast.admin, "poor-households,400108,2568,5\npoor-households,400101,2568,6")
    assert str(refused.value) == msg.changed_meanwhile()
    assert snapshot() == before


def test_the_page_s_commit_of_a_stale_plan_fails_with_the_thai_reason(cast, poor, monkeypatch):
    content = "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,4\n".encode()
    batch = services.import_preview(
        actor=cast.somchai, content=content, filename="x.csv", options=Options()
    )
    before = snapshot()

    def insert_the_create(plan):
        indicator_id, area, period, breakdown = plan.creates[0].key
        DataValue.objects.create(
            indicator_id=indicator_id, area_id=area, period=period, breakdown=breakdown, value=9
        )

    _classify_then(monkeypatch, insert_the_create)
    batch = services.import_commit(actor=cast.somchai, batch=batch)
    assert (batch.status, batch.error) == (ImportStatus.FAILED, msg.changed_meanwhile())
    assert snapshot() == before


def test_an_updated_value_that_is_gone_ends_in_a_clear_refusal(cast, poor, monkeypatch):
    import_text(cast.admin, "poor-households,400108,2568,5\npoor-households,400101,2568,6")
    before = snapshot()

    def delete_one_of_the_updates(plan):
        DataValue.objects.filter(pk=plan.updates[0].old[0]).delete()

    _classify_then(monkeypatch, delete_one_of_the_updates)
    with pytest.raises(ImportBlocked) as refused:
        import_text(cast.admin, "poor-households,400108,2568,7\npoor-households,400102,2568,8")
    assert str(refused.value) == msg.changed_meanwhile()
    assert snapshot() == before


def test_a_failure_after_the_new_values_were_sent_leaves_nothing_behind(cast, poor, monkeypatch):
    import_text(cast.admin, "poor-households,400108,2568,5\npoor-households,400101,2568,6")
    before = snapshot()
    new = [n for n in range(2, 19) if n != 8]  # 16 subdistricts of อ.เมืองขอนแก่น
    rows = [f"poor-households,4001{n:02d},2568,{n + 100}" for n in new]
    rows += ["poor-households,400108,2568,50", "poor-households,400101,2568,60"]  # 2 changed
    monkeypatch.setattr(writing, "CHUNK", 3)
    calls = []
    real = writing._write_chunk

    def failing(sink, chunk):
        calls.append(len(chunk))
        if len(calls) == 7:
            raise RuntimeError("disk full")
        real(sink, chunk)

    monkeypatch.setattr(writing, "_write_chunk", failing)
    with pytest.raises(RuntimeError):
        import_text(cast.admin, "\n".join(rows))
    # Six chunks of new values (16 rows) went to the database before the changed ones failed.
    assert calls == [3, 3, 3, 3, 3, 1, 2]
    assert snapshot() == before


@pytest.mark.parametrize("code", ["", "4", "40", "4001", "400108", "4001080", "23", "abc"])
def test_values_under_an_area_are_those_whose_code_starts_with_it(poor, code):
    from saan.indicators.queries import values_under_q

    for area in ("40", "4001", "400101", "400108", "401001", "410101", "230101"):
        a_value(poor, area=area)
    under = set(DataValue.objects.filter(values_under_q(code)).values_list("area_id", flat=True))
    starting = {
        a for a in DataValue.objects.values_list("area_id", flat=True) if a.startswith(code)
    }
    assert under == starting


# ------------------------------------------------------------------- the commit's bookkeeping


@pytest.mark.parametrize("background", [False, True])
def test_committing_a_kept_file_never_copies_the_file_again(cast, poor, monkeypatch, background):
    from django.test.utils import CaptureQueriesContext

    content = "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,4\n".encode()
    batch = services.import_preview(
        actor=cast.somchai, content=content, filename="x.csv", options=Options()
    )
    if background:
        monkeypatch.setattr(services, "BACKGROUND_THRESHOLD", 0)
    with CaptureQueriesContext(connection) as queries:
        batch = services.import_commit(actor=cast.somchai, batch=batch)
        if background:
            assert batch.status == ImportStatus.QUEUED
            services.run_commit(batch.pk)
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    imports = [sql for sql in writes if IndicatorImport._meta.db_table in sql]
    assert imports and not [sql for sql in imports if '"content"' in sql]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and bytes(batch.content) == content
    assert batch.counts["create"] == 1 and batch.committed_at is not None
    assert DataValue.objects.get(indicator=poor, area_id="400108").value == 4
