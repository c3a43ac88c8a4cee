"""The sources → goals chart: one horizontal bar per agenda goal, split by budget source (at the
original source, so money passed on is not drawn twice). Hand-built SVG, rendered on the
server: no JavaScript, nothing fetched, it prints and it scales down to a phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from saan.core.thai import format_baht

# Colour-blind-friendly palette (Okabe–Ito), then greys.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#666666",
)


def colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


def sources_to_goals_svg(
    sources: list[str], goals: list[Any], data: dict[tuple[str, Any], Decimal], *, title: str
) -> SafeString:
    """Stacked bars: rows are goals, segments are sources; widths share one scale."""
    keys = [g.pk if g is not None else None for g in goals]
    totals = [sum((data.get((s, k), Decimal(0)) for s in sources), Decimal(0)) for k in keys]
    top = max(totals, default=Decimal(0)) or Decimal(1)
    width, label_h, bar_h, gap, left = 640, 18, 22, 14, 8
    row_h = label_h + bar_h + gap
    height = row_h * max(1, len(goals)) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="plan-chart" width="100%">',
        f"<title>{escape(title)}</title>",
    ]
    usable = width - left - 150
    for row, (goal, key, row_total) in enumerate(zip(goals, keys, totals, strict=True)):
        y = row * row_h + 4
        name = goal.title if goal is not None else "—"
        parts.append(
            f'<text x="{left}" y="{y + 13}" font-size="13" fill="#1d2733">'
            f"{escape(name[:70])}</text>"
        )
        x = float(left)
        for n, s in enumerate(sources):
            amount = data.get((s, key), Decimal(0))
            if not amount:
                continue
            w = float(amount / top) * usable
            parts.append(
                f'<rect x="{x:.1f}" y="{y + label_h}" width="{max(w, 1):.1f}" height="{bar_h}" '
                f'fill="{colour(n)}"><title>{escape(s)}: '
                f"{escape(format_baht(amount))}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + label_h + 16}" font-size="12" fill="#1d2733">'
            f"{escape(format_baht(row_total))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
