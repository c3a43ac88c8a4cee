"""Background work of overlaps (django-tasks; the worker is ``manage db_worker``).

``run_scan`` claims its run with one UPDATE (queued → running), so a task run twice, or two
workers, scan once. ``check_projects_task`` re-checks projects after a save too large to check
in the request; it is idempotent (checking twice gives the same findings).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from saan.overlaps import detection
from saan.overlaps.models import RunStatus, ScanRun


@task()
def run_scan(run_id: int) -> dict[str, Any]:
    claimed = ScanRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"run": run_id, "done": False}
    run = ScanRun.objects.select_related("started_by").get(pk=run_id)
    try:
        run = detection.scan_run(run)
    except Exception as exc:  # the page shows the failure instead of waiting forever
        ScanRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return {"run": run_id, "done": True, "counts": run.counts}


@task()
def check_projects_task(ids: list[int]) -> dict[str, Any]:
    outcome = detection.check_projects(ids)
    return {"projects": len(ids), **outcome.as_dict()}
