"""How figures are shown: numbers in the indicator's own format, colour bands that respect the
indicator's direction, the aggregation said in words, and server-rendered SVG charts (pygal with
its JavaScript switched off: nothing is fetched from elsewhere, and the charts print)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pygal.style import Style

from saan.areas.models import Level
from saan.core.thai import format_baht
from saan.indicators.models import Aggregation, Indicator, Polarity, ValueType

# The alliance's six well-being dimensions (the ``dimension`` field of an indicator).
DIMENSIONS = {
    "health": gettext_lazy("สุขภาพ"),
    "education": gettext_lazy("การศึกษา"),
    "economy": gettext_lazy("เศรษฐกิจ"),
    "environment": gettext_lazy("สิ่งแวดล้อม"),
    "safety": gettext_lazy("ความปลอดภัย"),
    "governance": gettext_lazy("การบริหารจัดการ (ธรรมาภิบาล)"),
}


def dimension_label(code: str) -> str:
    return str(DIMENSIONS[code]) if code in DIMENSIONS else code


# ------------------------------------------------------------------------------- numbers


def format_value(indicator: Indicator, value: Decimal | float | int | None) -> str:
    """``12,345`` for counts, ``13.6`` for rates, ``7.25`` for index scores, ``1,200 บาท``."""
    if value is None:
        return "–"
    number = Decimal(str(value))
    kind = indicator.value_type
    if kind == ValueType.AMOUNT:
        return format_baht(number)
    if kind == ValueType.INDEX:
        return f"{number:,.2f}"
    if kind in (ValueType.PERCENTAGE, ValueType.RATIO):
        return f"{number:,.1f}"
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.1f}"


def comparable(indicator: Indicator) -> bool:
    """Whether figures of areas of different sizes can be compared directly (rates and means,
    not totals)."""
    return indicator.aggregation in (Aggregation.RATIO, Aggregation.WEIGHTED_MEAN) or (
        indicator.value_type in (ValueType.PERCENTAGE, ValueType.INDEX, ValueType.RATIO)
    )


def direction(indicator: Indicator, now: Decimal | None, before: Decimal | None) -> str:
    """``better``, ``worse``, ``same`` or ``""`` (unknown or no direction) from one figure to the
    next, by the indicator's polarity."""
    if now is None or before is None or indicator.polarity == Polarity.NEUTRAL:
        return ""
    if now == before:
        return "same"
    up = now > before
    return "better" if up == (indicator.polarity == Polarity.HIGHER_BETTER) else "worse"


def on_track(indicator: Indicator, value: Decimal | None, target: Decimal | None) -> str:
    """``on`` (the value has reached the target the way the indicator's polarity counts as
    better), ``off``, or ``""`` (no value, no target, or an indicator without a direction)."""
    if value is None or target is None or indicator.polarity == Polarity.NEUTRAL:
        return ""
    if indicator.polarity == Polarity.HIGHER_BETTER:
        return "on" if value >= target else "off"
    return "on" if value <= target else "off"


# ------------------------------------------------------------------------------- colour bands

# Five steps from good to bad (green → red); "higher is better" reads it the other way round.
GOOD_TO_BAD = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
# No direction: one hue from light to dark.
SEQUENTIAL = ("#e0f3f1", "#a8dcd5", "#5fb8ad", "#1f8a7e", "#0b5a52")
DARK_TEXT = "#1d2430"
NO_DATA = "#dfe4ea"


@dataclass
class Band:
    index: int
    low: Decimal | None  # inclusive; None = no lower limit
    high: Decimal | None  # exclusive; None = no upper limit
    colour: str
    text: str  # a text colour readable on ``colour``
    label: str

    def holds(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


def _palette(indicator: Indicator, count: int) -> list[str]:
    if indicator.polarity == Polarity.LOWER_BETTER:
        colours = list(GOOD_TO_BAD)  # low values good (green), high values red
    elif indicator.polarity == Polarity.HIGHER_BETTER:
        colours = list(reversed(GOOD_TO_BAD))  # low values red
    else:
        colours = list(SEQUENTIAL)
    if count <= 1:
        return [colours[len(colours) // 2]]
    step = (len(colours) - 1) / (count - 1)
    return [colours[round(i * step)] for i in range(count)]


def _readable_on(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return DARK_TEXT if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "#ffffff"


def _round_limit(value: Decimal) -> Decimal:
    """A readable band limit: two significant digits (12,345 → 12,000; 0.0456 → 0.046)."""
    if value == 0:
        return value
    exponent = value.adjusted() - 1
    return value.scaleb(-exponent).quantize(Decimal(1)).scaleb(exponent)


def quantile_limits(values: Iterable[Decimal | None], count: int = 5) -> list[Decimal]:
    """Limits that split the values into ``count`` groups of about the same size: the bands of
    an indicator without thresholds (totals, whose size depends on the area)."""
    numbers = sorted(v for v in values if v is not None)
    if len(numbers) < 2:
        return []
    limits: list[Decimal] = []
    for i in range(1, count):
        limit = _round_limit(Decimal(numbers[min(len(numbers) - 1, len(numbers) * i // count)]))
        if limit > numbers[0] and (not limits or limit > limits[-1]):
            limits.append(limit)
    return limits


def bands(indicator: Indicator, values: Iterable[Decimal | None] = ()) -> list[Band]:
    """The colour bands for this indicator: its ascending ``thresholds`` when it has them, or
    limits from the values shown. Polarity decides the colours: for "lower is better" the
    highest band is red, for "higher is better" the lowest is."""
    raw = [Decimal(str(t)) for t in (indicator.thresholds or [])]
    limits = sorted(set(raw)) if raw else quantile_limits(values)
    colours = _palette(indicator, len(limits) + 1)
    edges: list[Decimal | None] = [None, *limits, None]
    out = []
    for i, colour in enumerate(colours):
        low, high = edges[i], edges[i + 1]
        if low is None and high is None:
            label = _("ทุกค่า")
        elif low is None:
            label = _("ต่ำกว่า %(v)s") % {"v": format_value(indicator, high)}
        elif high is None:
            label = _("%(v)s ขึ้นไป") % {"v": format_value(indicator, low)}
        else:
            label = f"{format_value(indicator, low)} – {format_value(indicator, high)}"
        out.append(Band(i, low, high, colour, _readable_on(colour), label))
    return out


def band_of(found: Sequence[Band], value: Decimal | None) -> Band | None:
    if value is None:
        return None
    for band in found:
        if band.holds(value):
            return band
    return None


# ------------------------------------------------------------------------------- words


def level_word(level: str) -> str:
    return {
        Level.SUBDISTRICT: _("ตำบล"),
        Level.DISTRICT: _("อำเภอ"),
        Level.PROVINCE: _("จังหวัด"),
    }.get(Level(level), level)


def explain_aggregation(indicator: Indicator) -> str:
    """How the indicator's figures for districts, provinces and the country are made, in words."""
    base = level_word(indicator.base_level)
    agg = indicator.aggregation
    if agg == Aggregation.SUM:
        return _("เก็บข้อมูลราย%(base)s ระดับที่สูงขึ้นไปคือผลรวมของทุก%(base)sในพื้นที่") % {"base": base}
    if agg == Aggregation.RATIO:
        factor = indicator.factor
        text = f"{factor:,.0f}" if factor == factor.to_integral_value() else f"{factor:,}"
        return _(
            "ทุกระดับคำนวณใหม่ = %(factor)s × ผลรวมของ “%(num)s” ÷ ผลรวมของ “%(den)s” "
            "ไม่ใช่ค่าเฉลี่ยของอัตราของแต่ละ%(base)s"
        ) % {
            "factor": text,
            "num": indicator.numerator.name if indicator.numerator else "–",
            "den": indicator.denominator.name if indicator.denominator else "–",
            "base": base,
        }
    if agg == Aggregation.WEIGHTED_MEAN:
        return _(
            "ระดับที่สูงขึ้นไปคือค่าเฉลี่ยถ่วงน้ำหนักด้วย “%(weight)s”: %(base)sที่คนมากมีน้ำหนักมากกว่า%(base)sที่คนน้อย"
        ) % {"weight": indicator.weight.name if indicator.weight else "–", "base": base}
    if agg == Aggregation.MIN:
        return _("ระดับที่สูงขึ้นไปแสดงค่าต่ำสุดของ%(base)sในพื้นที่") % {"base": base}
    if agg == Aggregation.MAX:
        return _("ระดับที่สูงขึ้นไปแสดงค่าสูงสุดของ%(base)sในพื้นที่") % {"base": base}
    return _("ไม่รวมค่าข้ามพื้นที่ แสดงเฉพาะค่าที่แต่ละพื้นที่รายงาน")


# ------------------------------------------------------------------------------- charts

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
CHART_VERSION = 2  # bump when the drawing code changes (cached SVGs are keyed on it)
CHART_SECONDS = 24 * 3600
SERIES_COLOURS = ("#0f6d63", "#c2571a", "#7a4fb0", "#5b6575")
FONT = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif"


def _style() -> Style:
    return Style(
        font_family=FONT,
        background="transparent",
        plot_background="transparent",
        foreground="#1d2430",
        foreground_strong="#1d2430",
        foreground_subtle="#d9dee6",
        colors=SERIES_COLOURS,
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=12,
        value_font_size=11,
        value_label_font_size=11,
        title_font_size=13,
    )


def _common(height: int, **extra: object) -> dict[str, object]:
    return {
        "js": [],  # no script from a CDN; the SVG is plain drawing
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 420,
        "height": height,
        "style": _style(),
        "show_legend": False,  # the legend is HTML beside the chart, readable at any size
        "margin": 6,
        "print_values": False,
        "show_y_guides": True,
        "no_data_text": _("ยังไม่มีข้อมูล"),
        **extra,
    }


@dataclass
class Chart:
    svg: SafeString
    legend: list[tuple[str, str]]  # (series name, colour)


def _svg(chart: pygal.graph.graph.Graph, caption: str) -> SafeString:
    svg = chart.render(is_unicode=True)
    # pygal writes its configuration into a <script> even with ``js=[]``; without the
    # interactive script it is dead weight, and the page carries no chart script at all.
    svg = _SCRIPT.sub("", svg)
    # A name for screen readers; the table beside each chart holds the same numbers.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(caption)}" ', 1)
    return mark_safe(svg)  # pygal escapes the labels it draws


def _legend(series: Sequence[tuple[str, list[float | None]]]) -> list[tuple[str, str]]:
    return [(name, SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, (name, _v) in enumerate(series)]


def _cached(parts: tuple[object, ...], build: Callable[[], Chart]) -> Chart:
    """A chart is a pure function of what it draws: keep the rendered SVG in the cache under a
    digest of its inputs (and the language), so the same figures are drawn once per process,
    not on every request. New figures make a new key; nothing needs invalidating."""
    digest = hashlib.sha256(
        repr((CHART_VERSION, translation.get_language(), parts)).encode()
    ).hexdigest()
    key = f"saan:indicators:chart:{digest}"
    found = cache.get(key)
    if found is not None:
        svg, legend = found
        return Chart(mark_safe(svg), legend)
    chart = build()
    cache.set(key, (str(chart.svg), chart.legend), CHART_SECONDS)
    return chart


def trend_chart(
    indicator: Indicator,
    labels: Sequence[str],
    series: Sequence[tuple[str, list[float | None]]],
    target: list[float | None] | None = None,
) -> Chart:
    """A line per area (the area, its province, the country) across periods; with ``target``
    (the area's target per period), a dashed target line with a marker per period."""
    parts = (
        "trend",
        indicator.pk,
        indicator.value_type,
        indicator.name,
        indicator.unit,
        tuple(labels),
        tuple((name, tuple(values)) for name, values in series),
        tuple(target or ()),
    )
    return _cached(parts, lambda: _trend_chart(indicator, labels, series, target))


def _trend_chart(
    indicator: Indicator,
    labels: Sequence[str],
    series: Sequence[tuple[str, list[float | None]]],
    target: list[float | None] | None,
) -> Chart:
    chart = pygal.Line(
        **_common(230, dots_size=4, stroke_style={"width": 3}, allow_interruptions=True)
    )
    chart.x_labels = list(labels)
    chart.value_formatter = lambda v: format_value(indicator, v)
    for name, values in series:
        chart.add(name, values)
    drawn = list(series)
    if target and any(v is not None for v in target):
        # Drawn last: the style's next colour, dashed, with larger markers.
        drawn.append((_("เป้าหมาย"), target))
        chart.add(drawn[-1][0], target, stroke_style={"width": 2, "dasharray": "6, 4"}, dots_size=6)
    return Chart(_svg(chart, f"{indicator.name} ({indicator.unit})"), _legend(drawn))


def dimension_chart(
    labels: Sequence[str], series: Sequence[tuple[str, list[float | None]]], caption: str
) -> Chart:
    """Horizontal bars: the well-being dimensions of the area beside the country's."""
    parts = (
        "dimensions",
        tuple(labels),
        tuple((name, tuple(values)) for name, values in series),
        caption,
    )
    return _cached(parts, lambda: _dimension_chart(labels, series, caption))


def _dimension_chart(
    labels: Sequence[str], series: Sequence[tuple[str, list[float | None]]], caption: str
) -> Chart:
    chart = pygal.HorizontalBar(
        **_common(
            300, range=(0, 10), print_values=True, y_labels=[0, 2, 4, 6, 8, 10], truncate_label=-1
        )
    )
    chart.x_labels = list(labels)
    chart.value_formatter = lambda v: "–" if v is None else f"{v:g}" if v == int(v) else f"{v:.2f}"
    for name, values in series:
        chart.add(name, values)
    return Chart(_svg(chart, caption), _legend(series))
