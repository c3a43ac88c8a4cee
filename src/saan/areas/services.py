"""Every write to areas and area groups. Each function is atomic, checks permission, validates,
and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import geothai
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saan.areas.models import Area, AreaGroup, AreaGroupMember, Level
from saan.audit.services import record, snapshot
from saan.core.thai import fold
from saan.partners import permissions


@dataclass
class LoadReport:
    """What ``load_areas`` did, per level."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    changed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))

    @property
    def any_change(self) -> bool:
        return any(self.created.values()) or any(self.changed.values())


def search_key(name_th: str, name_en: str) -> str:
    return f"{fold(name_th)}|{fold(name_en)}"


def _reference_rows() -> list[dict[str, Any]]:
    """Every area from geothai, parents before children."""
    rows: list[dict[str, Any]] = []
    provinces = geothai.provinces()
    for p in provinces:
        rows.append(
            {
                "code": p.code,
                "level": Level.PROVINCE,
                "parent_id": None,
                "name_th": p.name_th,
                "name_en": p.name_en,
                "postal_codes": "",
            }
        )
    for p in provinces:
        for d in geothai.districts(p.code):
            rows.append(
                {
                    "code": d.code,
                    "level": Level.DISTRICT,
                    "parent_id": p.code,
                    "name_th": d.name_th,
                    "name_en": d.name_en,
                    "postal_codes": "",
                }
            )
            for s in geothai.subdistricts(d.code):
                rows.append(
                    {
                        "code": s.code,
                        "level": Level.SUBDISTRICT,
                        "parent_id": d.code,
                        "name_th": s.name_th,
                        "name_en": s.name_en,
                        "postal_codes": " ".join(s.postal_codes),
                    }
                )
    for row in rows:
        row["search_key"] = search_key(row["name_th"], row["name_en"])
    return rows


_AREA_FIELDS = ("level", "parent_id", "name_th", "name_en", "postal_codes", "search_key")


@transaction.atomic
def load_areas(*, actor: Any = None) -> LoadReport:
    """Create or update the area tree from the ``geothai`` package. Idempotent: a second run
    changes nothing. Runs as a trusted command (``./saan manage load_areas``), so it checks no
    membership; it still audits what it changed, in one summary row."""
    report = LoadReport()
    existing = {a.code: a for a in Area.objects.all()}
    to_create: list[Area] = []
    to_update: list[Area] = []
    for row in _reference_rows():
        level = row["level"]
        report.total[level] += 1
        current = existing.get(row["code"])
        if current is None:
            to_create.append(Area(**row))
            report.created[level] += 1
        elif any(getattr(current, f) != row[f] for f in _AREA_FIELDS):
            for f in _AREA_FIELDS:
                setattr(current, f, row[f])
            to_update.append(current)
            report.changed[level] += 1
    # Parents first, so every foreign key points at a row that already exists.
    Area.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        Area.objects.bulk_update(to_update, list(_AREA_FIELDS), batch_size=2000)
    if report.any_change:
        record(
            actor=actor,
            action="areas.load",
            target_type="areas.area",
            target_id="*",
            target_label=f"geothai {geothai.DATA_VERSION}",
            after={"created": report.created, "changed": report.changed},
        )
    return report


# ----------------------------------------------------------------------------- area groups

GROUP_FIELDS = (
    "slug",
    "kind",
    "name_th",
    "name_en",
    "description",
    "parent",
    "starts_on",
    "ends_on",
    "sort_order",
)


def _require_admin(actor: Any) -> None:
    if not permissions.is_admin(actor):
        raise PermissionDenied(_("เฉพาะผู้ดูแลระบบเท่านั้นที่แก้ไขกลุ่มพื้นที่ได้"))


def _validate_group(group: AreaGroup) -> None:
    group.full_clean()
    if group.parent_id is not None and group.pk is not None:
        # Walk up: a group may not end up inside itself.
        seen = {group.pk}
        parent = group.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("กลุ่มแม่ทำให้เกิดวงวน")})
            seen.add(parent.pk)
            parent = parent.parent


@transaction.atomic
def area_group_create(
    *,
    actor: Any,
    kind: str,
    slug: str,
    name_th: str,
    name_en: str = "",
    description: str = "",
    parent: AreaGroup | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    sort_order: int = 0,
) -> AreaGroup:
    _require_admin(actor)
    group = AreaGroup(
        kind=kind,
        slug=slug,
        name_th=name_th,
        name_en=name_en,
        description=description,
        parent=parent,
        starts_on=starts_on,
        ends_on=ends_on,
        sort_order=sort_order,
    )
    _validate_group(group)
    group.save()
    record(
        actor=actor, action="areagroup.create", target=group, after=snapshot(group, GROUP_FIELDS)
    )
    return group


@transaction.atomic
def area_group_update(*, actor: Any, group: AreaGroup, **changes: Any) -> AreaGroup:
    _require_admin(actor)
    unknown = set(changes) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    group = AreaGroup.objects.select_for_update().get(pk=group.pk)
    before = snapshot(group, GROUP_FIELDS)
    for name, value in changes.items():
        setattr(group, name, value)
    _validate_group(group)
    after = snapshot(group, GROUP_FIELDS)
    if after != before:
        group.save()
        record(actor=actor, action="areagroup.update", target=group, before=before, after=after)
    return group


MEMBER_FIELDS = ("group", "area", "mentor", "attributes")


@transaction.atomic
def area_group_member_set(
    *,
    actor: Any,
    group: AreaGroup,
    area: Area,
    mentor: Area | None = None,
    attributes: dict[str, Any] | None = None,
) -> AreaGroupMember:
    """Add an area to a group, or update its mentor and attributes if it is already there."""
    _require_admin(actor)
    if mentor is not None and mentor.pk == area.pk:
        raise ValidationError({"mentor": _("จังหวัดพี่เลี้ยงต้องไม่ใช่จังหวัดเดียวกัน")})
    member = AreaGroupMember.objects.filter(group=group, area=area).first()
    before = snapshot(member, MEMBER_FIELDS) if member else None
    if member is None:
        member = AreaGroupMember(group=group, area=area)
    member.mentor = mentor
    member.attributes = attributes or {}
    after = snapshot(member, MEMBER_FIELDS)
    if after != before:
        member.save()
        record(
            actor=actor,
            action="areagroup.member_set",
            target=member,
            before=before,
            after=after,
            area_code=area.code,
        )
    return member


@transaction.atomic
def area_group_member_remove(*, actor: Any, group: AreaGroup, area: Area) -> None:
    _require_admin(actor)
    member = AreaGroupMember.objects.filter(group=group, area=area).first()
    if member is None:
        return
    before = snapshot(member, MEMBER_FIELDS)
    record(
        actor=actor,
        action="areagroup.member_remove",
        target=member,
        before=before,
        area_code=area.code,
    )
    member.delete()


# ------------------------------------------------------------------------ reference data


@dataclass
class ReferenceReport:
    created: int = 0
    kept: int = 0
    members: int = 0
    names: list[str] = field(default_factory=list)


@transaction.atomic
def load_area_groups(data: dict[str, Any]) -> ReferenceReport:
    """Create the reference area groups that do not exist yet, with their members. A group that
    exists is left exactly as administrators edited it, so re-running never undoes their work.
    Trusted: called by ``load_reference`` only. Audited as the system."""
    report = ReferenceReport()
    by_slug = {g.slug: g for g in AreaGroup.objects.all()}
    for spec in data["groups"]:
        if spec["slug"] in by_slug:
            report.kept += 1
            continue
        parent = by_slug.get(spec["parent"]) if spec.get("parent") else None
        group = AreaGroup(
            slug=spec["slug"],
            kind=spec["kind"],
            name_th=spec["name_th"],
            name_en=spec.get("name_en", ""),
            description=spec.get("description", ""),
            parent=parent,
            sort_order=spec.get("sort_order", 0),
            starts_on=dt.date.fromisoformat(spec["starts_on"]) if spec.get("starts_on") else None,
            ends_on=dt.date.fromisoformat(spec["ends_on"]) if spec.get("ends_on") else None,
        )
        group.full_clean()
        group.save()
        by_slug[group.slug] = group
        record(
            actor=None,
            action="areagroup.create",
            target=group,
            after=snapshot(group, GROUP_FIELDS),
            note="load_reference",
        )
        members = [
            AreaGroupMember(
                group=group,
                area_id=m["area"],
                mentor_id=m.get("mentor"),
                attributes=m.get("attributes", {}),
            )
            for m in spec.get("members", [])
        ]
        AreaGroupMember.objects.bulk_create(members)
        report.created += 1
        report.members += len(members)
        report.names.append(group.name_th)
    return report
