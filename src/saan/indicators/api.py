"""Indicators, values and roll-ups for programs.

Reading is open for public indicators; an indicator kept for partners (``is_public`` false) is
read with a token or a signed-in session, and only in areas a grant of the caller reaches.
Writing (entering, correcting, verifying, accepting, returning) needs a token or a session and
goes through ``services``: the same permission checks, Thai messages and audit trail as the
volunteer's page. DHIS2 dataValueSets in and out belong to the importer, not to this router.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from saan.accounts.api_auth import api_user, signed_in
from saan.areas.models import Area, AreaGroup
from saan.core.api import ErrorOut, ValidationErrorOut, error_messages, forbidden
from saan.core.thai import normalise_digits
from saan.indicators import queries, services
from saan.indicators.models import DataValue, Indicator, State
from saan.indicators.periods import (
    PeriodError,
    PeriodType,
    label,
    parse_period,
    period_type_of,
)

router = Router(tags=["indicators"])

NO_INDICATOR = "ไม่พบตัวชี้วัด / No such indicator"
NO_VALUE = "ไม่พบค่าข้อมูล / No such value"
NO_AREA = "ไม่พบพื้นที่ / No such area"


SIX_PLACES = Decimal("0.000001")


def _plain(number: Decimal) -> str:
    """An exact decimal without exponent or trailing zeros: ``100``, ``12.5``."""
    return format(number.normalize(), "f")


# --------------------------------------------------------------------------------- indicators


class IndicatorOut(Schema):
    code: str
    name_th: str
    name_en: str
    definition: str
    unit: str
    source: str
    theme: str | None = Field(None, description="a theme's slug (see /api/themes)")
    dimension: str = Field(..., description="well-being dimension, e.g. health, economy")
    polarity: str = Field(..., description="higher, lower or neutral: which way is better")
    value_type: str
    aggregation: str = Field(
        ..., description="sum, ratio (factor × Σnumerator ÷ Σdenominator), weighted_mean, …"
    )
    numerator: str | None
    denominator: str | None
    weight: str | None
    factor: str
    period_type: str
    base_level: str
    thresholds: list[float] = Field(..., description="ascending limits of the colour bands")
    plausible_min: str | None
    plausible_max: str | None
    owner: str | None = Field(None, description="short name of the agency that owns the data")
    is_public: bool

    @staticmethod
    def resolve_theme(obj: Indicator) -> str | None:
        return obj.theme.slug if obj.theme else None

    @staticmethod
    def resolve_numerator(obj: Indicator) -> str | None:
        return obj.numerator.code if obj.numerator else None

    @staticmethod
    def resolve_denominator(obj: Indicator) -> str | None:
        return obj.denominator.code if obj.denominator else None

    @staticmethod
    def resolve_weight(obj: Indicator) -> str | None:
        return obj.weight.code if obj.weight else None

    @staticmethod
    def resolve_factor(obj: Indicator) -> str:
        return _plain(obj.factor)

    @staticmethod
    def resolve_plausible_min(obj: Indicator) -> str | None:
        return None if obj.plausible_min is None else _plain(obj.plausible_min)

    @staticmethod
    def resolve_plausible_max(obj: Indicator) -> str | None:
        return None if obj.plausible_max is None else _plain(obj.plausible_max)

    @staticmethod
    def resolve_owner(obj: Indicator) -> str | None:
        return (obj.owner.short_name or obj.owner.name_th) if obj.owner else None


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request: HttpRequest, theme: str | None = None):  # type: ignore[no-untyped-def]
    """Public indicators for everyone; with a token or a session, members of an organisation
    also see the indicators kept for partners. Optional ``theme`` (a theme's slug)."""
    qs = queries.catalogue_for(api_user(request))
    if theme:
        qs = qs.filter(theme__slug=theme)
    return list(qs)


def _indicator_or_404(request: HttpRequest, code: str) -> Indicator:
    indicator = queries.catalogue_for(api_user(request)).filter(code=code).first()
    if indicator is None:
        raise Http404(NO_INDICATOR)
    return indicator


@router.get("/indicators/{code}", response=IndicatorOut, summary="One indicator")
def get_indicator(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    return _indicator_or_404(request, code)


# ------------------------------------------------------------------------------------ values


class ValueOut(Schema):
    id: int
    indicator: str
    area_code: str
    period: str = Field(..., description="DHIS2 period: 2024Oct is ปีงบประมาณ 2568")
    period_label: str
    breakdown: str
    value: str = Field(..., description="exact decimal string")
    state: str = Field(..., description="entered, verified, accepted or returned")
    state_label: str
    note: str
    source_note: str
    organisation_id: int | None
    entered_at: dt.datetime
    state_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_indicator(obj: DataValue) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_area_code(obj: DataValue) -> str:
        return obj.area_id

    @staticmethod
    def resolve_period_label(obj: DataValue) -> str:
        return label(obj.period)

    @staticmethod
    def resolve_value(obj: DataValue) -> str:
        return _plain(obj.value)

    @staticmethod
    def resolve_state_label(obj: DataValue) -> str:
        return str(State(obj.state).label)


class ValueFilter(Schema):
    indicator: str | None = Field(None, description="an indicator's code")
    area: str | None = Field(None, description="an area code: that area and everything under it")
    period: str | None = Field(
        None, description="2024Oct, or as people write it: 2568, ปีงบ 68 (fiscal years)"
    )
    state: State | None = None


def _period_filter(text: str, indicator: Indicator | None) -> str:
    raw = normalise_digits(text).strip()
    try:
        if indicator is not None:
            return parse_period(raw, indicator.period_type)
        if period_type_of(raw):
            return raw
        return parse_period(raw, PeriodType.FISCAL_YEAR)
    except PeriodError as exc:
        raise HttpError(422, str(exc)) from None


@router.get("/values", response=list[ValueOut], summary="Reported values")
@paginate(LimitOffsetPagination)
def list_values(request: HttpRequest, filters: Query[ValueFilter]):  # type: ignore[no-untyped-def]
    """Values of public indicators for everyone; those of partners-only indicators only in
    areas your grants reach (token or session). Paginated with ``limit`` and ``offset``."""
    user = api_user(request)
    qs = (
        DataValue.objects.filter(queries.values_visible_q(user))
        .select_related("indicator")
        .order_by("indicator__sort_order", "indicator__code", "area_id", "period", "breakdown")
    )
    indicator = None
    if filters.indicator:
        indicator = _indicator_or_404(request, filters.indicator)
        qs = qs.filter(indicator=indicator)
    if filters.area:
        qs = qs.filter(queries.values_under_q(normalise_digits(filters.area).strip()))
    if filters.period:
        qs = qs.filter(period=_period_filter(filters.period, indicator))
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


# ----------------------------------------------------------------------------------- roll-ups


class RollupOut(Schema):
    indicator: str
    area_code: str | None = Field(None, description='"" for the whole country')
    group: str | None = Field(None, description="an area group's slug")
    period: str
    period_label: str
    value: str | None
    expected: int = Field(..., description="base areas (subdistricts) under the area")
    reported: int
    verified: int = Field(..., description="of the reported, how many verified or accepted")
    coverage: float | None = Field(None, description="per cent of expected that reported")
    verified_share: float | None = Field(None, description="per cent of reported verified")


def _rollup_out(figure: queries.Figure, *, group: str | None = None) -> dict[str, Any]:
    value = figure.value
    return {
        "indicator": figure.indicator.code,
        "area_code": None if group else figure.area_code,
        "group": group,
        "period": figure.period,
        "period_label": label(figure.period),
        "value": None if value is None else _plain(Decimal(value).quantize(SIX_PLACES)),
        "expected": figure.expected,
        "reported": figure.reported,
        "verified": figure.verified,
        "coverage": round(figure.coverage_share, 2) if figure.coverage_share is not None else None,
        "verified_share": (
            round(figure.verified_share, 2) if figure.verified_share is not None else None
        ),
    }


@router.get("/rollups", response=list[RollupOut], summary="Figures of an area or a group")
def list_rollups(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    indicator: str,
    area: str | None = None,
    group: str | None = None,
    period: str | None = None,
):
    """The indicator's figure for an ``area`` (its code; omit for the whole country) or an
    area ``group`` (a health region, a programme phase, ``asa`` for every programme province),
    for one ``period`` or every period with data. A rate is factor × Σnumerator ÷
    Σdenominator at every level, never an average of rates; coverage says how many
    subdistricts reported and how many of those were verified."""
    user = api_user(request)
    found = _indicator_or_404(request, indicator)
    periods = [_period_filter(period, found)] if period else queries.periods_with_data([found])
    if group:
        area_group = AreaGroup.objects.filter(slug=group).first()
        if area_group is None:
            raise Http404("ไม่พบกลุ่มพื้นที่ / No such area group")
        codes = queries.group_codes(area_group)
        if not found.is_public and not all(queries.may_see(user, found, c) for c in codes):
            raise Http404(NO_INDICATOR)
        return [
            _rollup_out(queries.group_figure(found, area_group, p), group=group) for p in periods
        ]
    code = normalise_digits(area or "").strip()
    if code and not Area.objects.filter(code=code).exists():
        raise Http404(NO_AREA)
    if not queries.may_see(user, found, code):
        raise Http404(NO_INDICATOR)
    return [_rollup_out(f) for f in queries.trend(found, code, periods)]


# ------------------------------------------------------------------------------------ writing


class ValueIn(Schema):
    indicator: str
    area: str = Field(..., description="the area's code, e.g. 400108")
    period: str = Field(..., description="2024Oct, or 2568 / ปีงบ 68 for a fiscal year")
    value: str | int | float = Field(..., description="Thai digits and 1,234 are fine")
    breakdown: str = ""
    source_note: str = ""
    note: str = ""
    reopen: bool = Field(False, description="needed to change an accepted value")


class ConflictOut(Schema):
    detail: str
    value: ValueOut


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


def _invalid(exc: ValidationError) -> Status[dict[str, Any]]:
    errors = error_messages(exc)
    first = next(iter(errors.values()))[0] if errors else ""
    return Status(422, {"detail": first or "ข้อมูลไม่ถูกต้อง / Invalid", "errors": errors})


def _fresh(value: DataValue) -> DataValue:
    return DataValue.objects.select_related("indicator").get(pk=value.pk)


@router.post(
    "/values",
    response={
        200: ValueOut,
        201: ValueOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Enter or correct a value",
)
def set_value(request: HttpRequest, body: ValueIn):  # type: ignore[no-untyped-def]
    """Enter a value (201) or correct one (200); a corrected value goes back to "entered" and
    must be verified again. An accepted value is changed only with ``reopen: true`` (409
    otherwise, with the value as it stands). 403 outside your grants."""
    indicator = _indicator_or_404(request, body.indicator)
    area = Area.objects.filter(code=normalise_digits(body.area).strip()).first()
    if area is None:
        raise Http404(NO_AREA)
    if not queries.may_see(request.user, indicator, area.code):
        raise Http404(NO_INDICATOR)
    try:
        period = parse_period(body.period, indicator.period_type)
    except PeriodError as exc:
        return _invalid(ValidationError({"period": [str(exc)]}))
    existed = DataValue.objects.filter(
        indicator=indicator, area=area, period=period, breakdown=body.breakdown
    ).exists()
    try:
        value = services.value_set(
            actor=request.user,
            indicator=indicator,
            area=area,
            period=period,
            value=body.value,
            breakdown=body.breakdown,
            source_note=body.source_note,
            note=body.note,
            reopen=body.reopen,
        )
    except services.AcceptedValueConflict as exc:
        return Status(409, {"detail": str(exc), "value": _fresh(exc.value)})
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200 if existed else 201, _fresh(value))


def _value_or_404(request: HttpRequest, value_id: int) -> DataValue:
    value = (
        DataValue.objects.filter(queries.values_visible_q(request.user), pk=value_id)
        .select_related("indicator")
        .first()
    )
    if value is None:
        raise Http404(NO_VALUE)
    return value


_STEP_RESPONSES = {
    200: ValueOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


@router.post(
    "/values/{value_id}/verify",
    response=_STEP_RESPONSES,
    auth=signed_in,
    summary="Verify a value (สอบทานแล้ว)",
)
def verify_value(request: HttpRequest, value_id: int, body: NoteIn):  # type: ignore[no-untyped-def]
    """Checked on the ground, with a note of what was found. Editors and coordinators whose grant
    covers the area, or the indicator's owner agency."""
    value = _value_or_404(request, value_id)
    try:
        services.value_verify(actor=request.user, value=value, note=body.note)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _fresh(value))


@router.post(
    "/values/{value_id}/accept",
    response=_STEP_RESPONSES,
    auth=signed_in,
    summary="Accept a verified value (รับรอง)",
)
def accept_value(request: HttpRequest, value_id: int, body: NoteIn):  # type: ignore[no-untyped-def]
    """A coordinator above the value's area, after verification; or the indicator's owner."""
    value = _value_or_404(request, value_id)
    try:
        services.value_accept(actor=request.user, value=value, note=body.note)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _fresh(value))


@router.post(
    "/values/{value_id}/return",
    response=_STEP_RESPONSES,
    auth=signed_in,
    summary="Return a value to be corrected (ส่งกลับ)",
)
def return_value(request: HttpRequest, value_id: int, body: ReasonIn):  # type: ignore[no-untyped-def]
    """Back to be corrected, with the reason (required)."""
    value = _value_or_404(request, value_id)
    try:
        services.value_return(actor=request.user, value=value, reason=body.reason)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _fresh(value))
