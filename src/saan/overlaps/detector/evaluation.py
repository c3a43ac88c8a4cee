"""The evaluation set as Facts, and precision/recall on it (used by bench/overlaps_eval.py and
by the regression test)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .core import Detector, Match
from .facts import Facts

PAIRS_FILE = Path(__file__).resolve().parent.parent / "data" / "evaluation_pairs.json"

#: A scored pair: (the pair as stored, the detector's finding or None, a score).
Scored = list[tuple[dict, Match | None, float]]


def load_pairs(path: Path = PAIRS_FILE) -> list[dict]:
    return list(json.loads(path.read_text(encoding="utf-8"))["pairs"])


class Orgs:
    """Organisation short names → stable ints (the eval set names organisations)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        return self.ids.setdefault(name, len(self.ids) + 1)


def to_facts(p: dict, org: Orgs) -> Facts:
    return Facts(
        id=p["id"],
        organisations=frozenset(org(o) for o in p["organisations"]),
        lead=org(p["lead"]),
        subdistricts=frozenset(p["subdistricts"]),
        start=date.fromisoformat(p["start"]),
        end=date.fromisoformat(p["end"]),
        title=p["title"],
        text=p["text"],
        themes=frozenset(p["themes"]),
        target_groups=frozenset(p["target_groups"]),
        place_names=tuple(p["place_names"]),
    )


def facts_pairs(pairs: Sequence[dict]) -> list[tuple[dict, Facts, Facts]]:
    org = Orgs()
    return [(p, to_facts(p["a"], org), to_facts(p["b"], org)) for p in pairs]


def score_pairs(rows: Sequence[tuple[dict, Facts, Facts]], det: Detector) -> Scored:
    out: Scored = []
    for p, a, b in rows:
        m = det.pair(a, b)
        out.append((p, m, m.score if m is not None else 0.0))
    return out


def metrics(scored: Scored, threshold: float, split: str | None = None) -> dict[str, float]:
    """tp/fp/fn/tn, precision ``p``, recall ``r`` and ``f1`` at a threshold, on one split or all.

    A label-1 pair is found when the detector returns a finding of the expected kind with score
    ≥ threshold; a label-0 pair is a false positive when any finding reaches the threshold."""
    tp = fp = fn = tn = 0
    for p, m, s in scored:
        if split and p["split"] != split:
            continue
        flagged = m is not None and s >= threshold
        right_kind = m is not None and (p["expected_kind"] in (None, m.kind))
        if p["label"]:
            if flagged and right_kind:
                tp += 1
            else:
                fn += 1
        elif flagged:
            fp += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "p": precision, "r": recall, "f1": f1}
