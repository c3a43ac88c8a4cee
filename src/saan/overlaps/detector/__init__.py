"""The overlap detector: pure Python (no Django, no database).

Give it :class:`Facts` (one per project); it returns :class:`Match` findings: two projects of
(usually) different organisations that share subdistricts and at least one day and whose purpose
looks the same, or a continuation (same lead organisation, restarting within 45 days).
See docs/overlap-detector.md.
"""

from .calibration import calibration, default_threshold, expected_precision, expected_recall
from .core import (
    COMPONENTS,
    CONTINUATION_GAP_DAYS,
    REASONS_EN,
    REASONS_TH,
    Detector,
    Index,
    Match,
    Model,
    Prepared,
    candidate_pairs,
    seeded_synonyms,
)
from .facts import Facts, unchecked_reason
from .text import Synonyms, normalise, words

DEFAULT_THRESHOLD: float = default_threshold()

__all__ = [
    "COMPONENTS",
    "CONTINUATION_GAP_DAYS",
    "DEFAULT_THRESHOLD",
    "REASONS_EN",
    "REASONS_TH",
    "Detector",
    "Facts",
    "Index",
    "Match",
    "Model",
    "Prepared",
    "Synonyms",
    "calibration",
    "candidate_pairs",
    "default_threshold",
    "expected_precision",
    "expected_recall",
    "normalise",
    "seeded_synonyms",
    "unchecked_reason",
    "words",
]
