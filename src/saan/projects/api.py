"""PLACEHOLDER — the API helper replaces this module."""

from ninja import Router

router = Router(tags=["projects"])
