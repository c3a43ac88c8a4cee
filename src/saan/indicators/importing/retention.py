"""Keeping uploaded import files no longer than needed.

An ``IndicatorImport`` keeps the uploaded file (``content``) between the preview and the
commit. After ``SAAN_IMPORT_KEEP_DAYS`` days (settings, default 90) the file is deleted by
``./saan manage purge_import_files``: the import's row stays (who, when, file name, checksum,
counts and row report), only the bytes go. A preview never committed by then can no longer be
committed: it is marked failed with the reason. Each purged file gets an audit row
(``indicators.import_file_purged``) in the same transaction; running the command again finds
nothing more to do. An import being written (queued or running) is never touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.audit.services import record
from saan.indicators.models import ImportStatus, IndicatorImport

DEFAULT_KEEP_DAYS = 90


def keep_days() -> int:
    return int(getattr(settings, "SAAN_IMPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS))


@dataclass
class Purged:
    pk: int
    filename: str
    size: int
    status: str
    created_at: dt.datetime


def due(days: int, now: dt.datetime | None = None) -> list[Purged]:
    """Imports older than ``days`` that still hold their file, oldest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    rows = (
        IndicatorImport.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        .annotate(size=Length("content"))
        .filter(size__gt=0)
        .order_by("created_at", "pk")
        .values_list("pk", "filename", "size", "status", "created_at")
    )
    return [Purged(*row) for row in rows]


def purge_import_files(
    *, actor: Any, days: int | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> list[Purged]:
    """Delete the stored files of imports older than ``days`` (default: the setting). Returns
    what was (with ``dry_run``: would be) deleted."""
    days = keep_days() if days is None else days
    if days < 1:
        raise ValueError(_("จำนวนวันที่เก็บไฟล์ต้องอย่างน้อย 1 วัน"))
    found = due(days, now)
    if dry_run:
        return found
    purged = []
    for item in found:
        with transaction.atomic():
            batch = (
                IndicatorImport.objects.select_for_update()
                .filter(pk=item.pk)
                .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
                .first()
            )
            if batch is None or not batch.content:
                continue  # started or purged meanwhile
            before = {"bytes": item.size, "status": batch.status}
            batch.content = b""
            fields = ["content"]
            if batch.status == ImportStatus.PREVIEWED:
                batch.status = ImportStatus.FAILED
                batch.error = _("ไฟล์ถูกลบเพราะเก็บไว้เกิน %(days)d วันโดยไม่ได้ยืนยันการนำเข้า") % {
                    "days": days
                }
                fields += ["status", "error"]
            batch.save(update_fields=fields)
            record(
                actor=actor,
                action="indicators.import_file_purged",
                target=batch,
                before=before,
                after={"bytes": 0, "status": batch.status, "keep_days": days},
            )
            purged.append(item)
    return purged
