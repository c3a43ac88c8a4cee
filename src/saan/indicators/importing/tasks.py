"""The background commit of a large import (django-tasks; the database backend's worker runs it:
``./saan manage db_worker``, which ``./saan serve`` starts)."""

from __future__ import annotations

from django_tasks import task

from saan.indicators.importing import services


@task()
def commit_import(batch_id: int) -> str:
    """Commit a queued import. Idempotent: a batch already claimed or committed is left alone."""
    batch = services.run_commit(batch_id)
    return batch.status if batch is not None else "not-queued"
