"""The funds API (mounted at /api/funds/ by saan.api)."""

from ninja import Router

router = Router(tags=["funds"])
