"""How the work register tells overlaps that projects changed.

``saan.projects.services`` calls ``projects_changed_on_commit(ids)`` inside the transaction of
every create, update, role change and import; once that transaction commits, the changed
projects are re-checked: a few at once right away (well under a second), more in a background
task, a whole import as a scan of the area it touched. Ids from many saves in one transaction
(the demo loader registers thousands) are gathered into one check.

A failure here never undoes or blocks the save: it is logged, and the next scan repairs it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

INLINE_MAX = 30  # projects checked in the request itself (a few ms each)
TASK_MAX = 500  # up to this many, one background task checks each; more, an area scan

_local = threading.local()


def _pending() -> set[int]:
    pending = getattr(_local, "ids", None)
    if pending is None:
        pending = _local.ids = set()
    return pending


def projects_changed_on_commit(ids: Iterable[int]) -> None:
    """Queue these projects for a re-check when the current transaction commits."""
    connection = transaction.get_connection()
    if not any(entry[1] is _flush for entry in connection.run_on_commit):
        # No flush waiting: the ids still pending belong to a transaction that rolled back.
        _local.ids = set()
    _pending().update(ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    # Every save registered this callback; the first to run takes all the ids of the commit,
    # the others find nothing left.
    ids = sorted(_pending())
    _local.ids = set()
    if ids:
        projects_changed(ids)


def projects_changed(ids: list[int], *, actor: Any = None) -> None:
    """Re-check ``ids`` now (few), in a task (more) or by scanning their area (an import)."""
    try:
        if len(ids) <= INLINE_MAX:
            from saan.overlaps.detection import check_projects

            check_projects(ids, actor=actor)
        elif len(ids) <= TASK_MAX:
            from saan.overlaps import tasks

            tasks.check_projects_task.enqueue(list(ids))
        else:
            from saan.overlaps import services

            services.scan_queue_for_projects(ids)
    except Exception:  # never let a check break the save that triggered it
        log.exception("overlap check failed for projects %s", ids[:20])


def joint_work_from_form(request: Any, project: Any) -> None:
    """After the project form saved ``project``: if the person ticked "joint work with" one of
    the projects the form showed, record it (``services.joint_work_from_form``)."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from saan.overlaps import services

    other = request.POST.get("overlaps_joint_with", "")
    if not other.isdigit():
        return
    try:
        services.joint_work_from_form(actor=request.user, project=project, other_id=int(other))
    except (PermissionDenied, ValidationError) as exc:
        messages.warning(
            request,
            _("บันทึกงานร่วมไม่ได้: %(why)s") % {"why": " ".join(getattr(exc, "messages", [str(exc)]))},
        )
    else:
        messages.success(request, _("บันทึกว่าเป็นงานร่วมแล้ว ผู้ประสานงานพื้นที่จะเห็นข้อสังเกตนี้"))
