"""Demo data for funds (called by saan.core.demo.load_demo)."""

from typing import Any


def load_funds_demo(actor: Any) -> None:
    """Idempotent: running it twice changes nothing."""
