"""Demo data for overlaps (called by saan.core.demo.load_demo)."""

from typing import Any


def load_overlaps_demo(actor: Any) -> None:
    """Idempotent: running it twice changes nothing."""
