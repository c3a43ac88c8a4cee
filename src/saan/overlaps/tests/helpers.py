"""Small helpers shared by the overlaps tests."""

from __future__ import annotations

from typing import Any

from saan.overlaps import detection
from saan.overlaps.models import Finding, ScanRun


def scan(area_code: str = "40", **extra: Any) -> ScanRun:
    return detection.scan_run(ScanRun.objects.create(area_code=area_code, **extra))


def finding(p: Any, q: Any) -> Finding:
    a, b = sorted((p.pk, q.pk))
    return Finding.objects.get(project_a_id=a, project_b_id=b)


def has_finding(p: Any, q: Any) -> bool:
    a, b = sorted((p.pk, q.pk))
    return Finding.objects.filter(project_a_id=a, project_b_id=b).exists()
