"""The plans API (mounted at /api/plans/ by saan.api)."""

from ninja import Router

router = Router(tags=["plans"])
