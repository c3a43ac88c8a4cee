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
    """Rows {threshold, precision, recall}, by increasing threshold."""
    return [dict(r) for r in _load()["rows"]]


def default_threshold() -> float:
    return float(_load()["default_threshold"])


def expected_precision(threshold: float) -> float | None:
    """Precision expected at this threshold: that of the nearest calibrated threshold at or
    below it (a higher threshold is never promised less). None below the table."""
    best: float | None = None
    for row in calibration():
        if row["threshold"] <= threshold + 1e-9 and row["precision"] is not None:
            best = row["precision"] if best is None else max(best, row["precision"])
    return best


def expected_recall(threshold: float) -> float | None:
    rows = [r for r in calibration() if r["threshold"] <= threshold + 1e-9]
    return rows[-1]["recall"] if rows else None
