"""Deleting stored import files after the keeping period: idempotent, audited, dry run."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from saan.audit.models import AuditEvent
from saan.indicators.importing.retention import purge_import_files
from saan.indicators.models import ImportStatus, IndicatorImport

pytestmark = pytest.mark.django_db


def _upload(name, days_ago, status=ImportStatus.COMMITTED, content=b"a,b\n1,2\n"):
    batch = IndicatorImport.objects.create(
        filename=name,
        content=content,
        status=status,
        committed_at=timezone.now() if status == ImportStatus.COMMITTED else None,
    )
    IndicatorImport.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return batch


@pytest.fixture
def uploads(db):
    return {
        "old": _upload("old.csv", 120),
        "old-preview": _upload("preview.csv", 100, ImportStatus.PREVIEWED),
        "old-running": _upload("running.csv", 100, ImportStatus.RUNNING),
        "old-empty": _upload("cli.csv", 200, content=b""),
        "recent": _upload("recent.csv", 10),
    }


def _content(batch):
    return bytes(IndicatorImport.objects.get(pk=batch.pk).content)


def test_old_files_are_deleted_and_the_records_stay(uploads):
    purged = purge_import_files(actor=None, days=90)
    assert [p.filename for p in purged] == ["old.csv", "preview.csv"]
    assert _content(uploads["old"]) == b""
    assert _content(uploads["recent"]) == b"a,b\n1,2\n"
    assert _content(uploads["old-running"]) == b"a,b\n1,2\n"  # being written: untouched
    old = IndicatorImport.objects.get(pk=uploads["old"].pk)
    assert (old.filename, old.status) == ("old.csv", ImportStatus.COMMITTED)
    # A preview that was never committed cannot be committed any more: it says why.
    preview = IndicatorImport.objects.get(pk=uploads["old-preview"].pk)
    assert preview.status == ImportStatus.FAILED
    assert "90 วัน" in preview.error
    events = AuditEvent.objects.filter(action="indicators.import_file_purged")
    assert sorted(int(e.target_id) for e in events) == sorted(
        [uploads["old"].pk, uploads["old-preview"].pk]
    )
    assert events.get(target_id=str(uploads["old"].pk)).before["bytes"] == 8


def test_running_it_again_changes_nothing(uploads):
    purge_import_files(actor=None, days=90)
    count = AuditEvent.objects.count()
    assert purge_import_files(actor=None, days=90) == []
    assert AuditEvent.objects.count() == count


def test_dry_run_lists_and_deletes_nothing(uploads):
    out = StringIO()
    call_command("purge_import_files", "--days", "90", "--dry-run", stdout=out)
    assert "would delete 2 file(s)" in out.getvalue()
    assert _content(uploads["old"]) == b"a,b\n1,2\n"
    assert not AuditEvent.objects.filter(action="indicators.import_file_purged").exists()


def test_command_uses_the_setting(uploads, settings):
    settings.SAAN_IMPORT_KEEP_DAYS = 5
    out = StringIO()
    call_command("purge_import_files", stdout=out)
    assert "deleted 3 file(s)" in out.getvalue()
    assert _content(uploads["recent"]) == b""


def test_zero_days_is_refused(uploads):
    with pytest.raises(CommandError):
        call_command("purge_import_files", "--days", "0", stdout=StringIO())
    assert _content(uploads["recent"]) == b"a,b\n1,2\n"
