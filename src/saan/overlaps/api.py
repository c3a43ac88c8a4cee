"""The overlaps API (mounted at /api/overlaps/ by saan.api)."""

from ninja import Router

router = Router(tags=["overlaps"])
