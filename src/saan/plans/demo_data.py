"""Demo data for plans (called by saan.core.demo.load_demo)."""

from typing import Any


def load_plans_demo(actor: Any) -> None:
    """Idempotent: running it twice changes nothing."""
