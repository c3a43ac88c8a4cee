"""Writing the audit trail. Every service that changes data calls ``record`` inside its
transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import connection, models

from saan.audit.models import AuditEvent


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named fields of an instance as JSON-safe values (foreign keys as their key)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _json_value(getattr(instance, attname))
    return data


def label_for(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return user.get_full_name() or user.get_username()


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    area_code: str = "",
    note: str = "",
) -> AuditEvent:
    """Write one audit row for a change to ``target`` (or, for a change to many rows at once such
    as a bulk load, to the ``target_type``/``target_id``/``target_label`` given instead).

    Must run inside the caller's ``transaction.atomic`` block: the change and its audit row
    commit together or not at all.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the change's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label_for(actor),
        action=action,
        target_type=target._meta.label_lower if target is not None else target_type,
        target_id=str(target.pk) if target is not None else target_id,
        target_label=(str(target) if target is not None else target_label)[:300],
        area_code=area_code or "",
        before=before,
        after=after,
        note=note,
    )
