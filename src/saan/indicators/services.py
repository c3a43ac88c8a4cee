"""Every write to indicator data: entering and correcting values, and their verification.

Each function checks permission, validates, writes, audits and refreshes the roll-ups above the
changed area in one transaction, so districts, provinces and the country are fresh the moment
the change commits.

Verification has two lanes:

- **Area lane** — someone on the ground verifies (a volunteer or community council editor whose
  grant covers the area, or a coordinator), then a coordinator whose grant covers the area *from
  a higher level* (the district or province) accepts.
- **Agency lane** — the organisation that owns the indicator signs off its own figures: its
  editors and coordinators whose grant covers the area may verify and accept.

Anyone who may verify or accept may return a value with a reason; it goes back to be corrected.
An accepted value is never overwritten silently: correcting it needs ``reopen=True`` (the UI asks)
and puts it back to "entered".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.services import record
from saan.indicators import rollups
from saan.indicators.models import Aggregation, DataValue, Indicator, State
from saan.indicators.periods import PeriodError, parse_period
from saan.partners import permissions
from saan.partners.models import Role

WRITE_ROLES = (Role.EDITOR, Role.COORDINATOR)


class AcceptedValueConflict(Exception):
    """The value was accepted; changing it needs an explicit reopen."""

    def __init__(self, value: DataValue) -> None:
        super().__init__(_("ค่านี้ได้รับการรับรองแล้ว การแก้ไขต้องเปิดการสอบทานใหม่"))
        self.value = value


def can_enter(user: Any, area_code: str) -> bool:
    """Editors and coordinators whose grant covers the area enter and correct values."""
    return permissions.is_admin(user) or any(
        g.role in WRITE_ROLES and g.covers(area_code) for g in permissions.grants(user)
    )


def _owner_member(user: Any, indicator: Indicator, area_code: str) -> bool:
    return indicator.owner_id is not None and any(
        g.role in WRITE_ROLES and g.organisation_id == indicator.owner_id and g.covers(area_code)
        for g in permissions.grants(user)
    )


def can_verify(user: Any, value: DataValue) -> bool:
    return can_enter(user, value.area_id) or _owner_member(user, value.indicator, value.area_id)


def can_accept(user: Any, value: DataValue) -> bool:
    """A coordinator above the value's own area (district → province), or the owner agency."""
    if permissions.is_admin(user) or _owner_member(user, value.indicator, value.area_id):
        return True
    return any(
        g.role == Role.COORDINATOR
        and g.covers(value.area_id)
        and len(g.area_code) < len(value.area_id)
        for g in permissions.grants(user)
    )


def clean_number(indicator: Indicator, raw: Any) -> Decimal:
    """A value as people type it (Thai digits, thousands separators) checked against what the
    indicator allows. Raises ``ValidationError`` with a Thai message."""
    from saan.core.thai import normalise_digits

    if isinstance(raw, Decimal):
        number = raw
    else:
        text = normalise_digits(str(raw)).strip().replace(",", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError({"value": [_("“%(v)s” ไม่ใช่ตัวเลข") % {"v": raw}]}) from None
    if not number.is_finite():
        raise ValidationError({"value": [_("“%(v)s” ไม่ใช่ตัวเลข") % {"v": raw}]})
    if indicator.value_type in ("count", "amount", "percentage") and number < 0:
        raise ValidationError({"value": [_("ค่าของตัวชี้วัดนี้ต้องไม่ติดลบ")]})
    if indicator.plausible_min is not None and number < indicator.plausible_min:
        raise ValidationError(
            {"value": [_("ค่าน้อยกว่าที่เป็นไปได้ (ต่ำสุด %(m)s)") % {"m": indicator.plausible_min}]}
        )
    if indicator.plausible_max is not None and number > indicator.plausible_max:
        raise ValidationError(
            {"value": [_("ค่ามากกว่าที่เป็นไปได้ (สูงสุด %(m)s)") % {"m": indicator.plausible_max}]}
        )
    return number


def _snapshot(v: DataValue) -> dict[str, Any]:
    return {"value": str(v.value), "state": v.state, "note": v.note, "source_note": v.source_note}


@transaction.atomic
def value_set(
    *,
    actor: Any,
    indicator: Indicator,
    area: Area,
    period: str,
    value: Any,
    breakdown: str = "",
    source_note: str = "",
    note: str = "",
    reopen: bool = False,
) -> DataValue:
    """Enter or correct one value. A corrected value goes back to "entered" (it must be checked
    again); an accepted one only with ``reopen``."""
    if not can_enter(actor, area.code):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกข้อมูลในพื้นที่นี้"))
    if indicator.aggregation == Aggregation.RATIO:
        raise ValidationError(
            {"indicator": [_("ตัวชี้วัดนี้คำนวณจากตัวตั้งและตัวหาร ให้บันทึกค่าของตัวตั้งและตัวหารแทน")]}
        )
    try:
        period = parse_period(period, indicator.period_type)
    except PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from None
    number = clean_number(indicator, value)
    current = (
        DataValue.objects.select_for_update()
        .filter(indicator=indicator, area=area, period=period, breakdown=breakdown)
        .first()
    )
    before = _snapshot(current) if current else None
    if (
        current is not None
        and current.state == State.ACCEPTED
        and current.value != number
        and not reopen
    ):
        raise AcceptedValueConflict(current)
    if current is None:
        current = DataValue(
            indicator=indicator,
            area=area,
            period=period,
            breakdown=breakdown,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    if (
        current.pk
        and current.value == number
        and current.source_note == (source_note or current.source_note)
    ):
        return current  # nothing changed
    current.value = number
    current.source_note = source_note or current.source_note
    current.note = note
    current.state = State.ENTERED
    current.state_by, current.state_at = None, None
    current.save()
    record(
        actor=actor,
        action="datavalue.set",
        target=current,
        before=before,
        after=_snapshot(current),
        area_code=area.code,
    )
    rollups.refresh([(indicator.pk, period)], base_codes=[area.code])
    return current


def _transition(actor: Any, value: DataValue, state: str, note: str, action: str) -> DataValue:
    before = _snapshot(value)
    value.state = state
    value.note = note.strip()[:500]
    value.state_by = actor if getattr(actor, "is_authenticated", False) else None
    value.state_at = timezone.now()
    value.save(update_fields=["state", "note", "state_by", "state_at", "updated_at"])
    record(
        actor=actor,
        action=action,
        target=value,
        before=before,
        after=_snapshot(value),
        area_code=value.area_id,
    )
    rollups.refresh([(value.indicator_id, value.period)], base_codes=[value.area_id])
    return value


def _locked(value: DataValue) -> DataValue:
    return DataValue.objects.select_for_update().select_related("indicator").get(pk=value.pk)


@transaction.atomic
def value_verify(*, actor: Any, value: DataValue, note: str = "") -> DataValue:
    """Checked on the ground: "สอบทานแล้ว", with what was found."""
    value = _locked(value)
    if not can_verify(actor, value):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์สอบทานข้อมูลนี้"))
    if value.state not in (State.ENTERED, State.RETURNED):
        raise ValidationError({"state": [_("ค่านี้สอบทานแล้ว")]})
    return _transition(actor, value, State.VERIFIED, note, "datavalue.verify")


@transaction.atomic
def value_accept(*, actor: Any, value: DataValue, note: str = "") -> DataValue:
    value = _locked(value)
    if not can_accept(actor, value):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์รับรองข้อมูลนี้"))
    if value.state != State.VERIFIED and not _owner_member(actor, value.indicator, value.area_id):
        raise ValidationError({"state": [_("ต้องสอบทานก่อนจึงจะรับรองได้")]})
    if value.state == State.ACCEPTED:
        return value
    return _transition(actor, value, State.ACCEPTED, note, "datavalue.accept")


@transaction.atomic
def value_return(*, actor: Any, value: DataValue, reason: str) -> DataValue:
    value = _locked(value)
    if not (can_accept(actor, value) or can_verify(actor, value)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ส่งข้อมูลนี้กลับ"))
    if not reason.strip():
        raise ValidationError({"reason": [_("กรุณาระบุเหตุผลที่ส่งกลับ")]})
    return _transition(actor, value, State.RETURNED, reason, "datavalue.return")
