"""The calibrated threshold: expected precision and recall at each score threshold.

The table is written by ``bench/overlaps_eval.py`` into ``data/calibration.json`` from the
evaluation set (scored on its held-out half).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "calibration.json"


@cache
def _load() -> dict:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))


def calibration() -> list[dict]:
    """Rows {threshold, precision, recall, raw_precision, tp, fp, fn}, by increasing threshold."""
    return sorted((dict(r) for r in _load()["rows"]), key=lambda r: r["threshold"])


def default_threshold() -> float:
    return float(_load()["default_threshold"])


def _row_at(threshold: float) -> dict | None:
    """The calibrated row with the largest threshold at or below ``threshold``."""
    rows = [r for r in calibration() if r["threshold"] <= threshold + 1e-9]
    return rows[-1] if rows else None


def expected_precision(threshold: float) -> float | None:
    """Share of findings at this threshold expected to be real overlaps, measured on the
    held-out half of the evaluation set (made non-decreasing: a higher threshold never promises
    less). None below the lowest calibrated threshold."""
    row = _row_at(threshold)
    return None if row is None else float(row["precision"])


def expected_recall(threshold: float) -> float | None:
    """Share of real overlaps expected to be found at this threshold (same measurement)."""
    row = _row_at(threshold)
    return None if row is None else float(row["recall"])
