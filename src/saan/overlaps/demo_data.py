"""Demo data for overlaps (called by saan.core.demo.load_demo after the register, indicators
and forums): the seeded synonym list, one full scan of the demo register (which holds overlaps
planted on purpose, e.g. ต.บ้านเป็ด 400115), and two decisions taken by ขอนแก่น's coordinator so
a new user sees both states: the bedridden-elders pair of ต.บ้านเป็ด (fiscal year 2568)
confirmed and linked as joint work, and secure housing versus land titles in ต.บ้านหว้า
dismissed as different work for the same people. Gaps need
nothing seeded: they read the register and the indicator demo.

Idempotent: running it again scans nothing new and decides nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from saan.overlaps import detection, services
from saan.overlaps.models import Finding, FindingKind, FindingState, RunStatus, ScanRun
from saan.projects.models import OrgRole, Project

LINKED_TITLES = (
    "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
    "โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลบ้านเป็ด ปีงบ 2568",
)
# Same place, same people, different work: secure housing versus land titles.
DISMISSED_TITLES = (
    "บ้านมั่นคงชนบท ตำบลบ้านหว้า",
    "จัดการที่ดินทำกินและโฉนดชุมชน ตำบลบ้านหว้า",
)


def _pair(titles: tuple[str, str]) -> Finding | None:
    ids = list(Project.objects.filter(title__in=titles).values_list("pk", flat=True)[:2])
    if len(ids) != 2:
        return None
    a, b = sorted(ids)
    return Finding.objects.filter(project_a_id=a, project_b_id=b).first()


def load_overlaps_demo(actor: Any) -> dict[str, int]:
    """Idempotent: running it twice changes nothing."""
    services.seed_synonyms()
    if not ScanRun.objects.filter(area_code="", status=RunStatus.DONE).exists():
        run = ScanRun.objects.create(area_code="", started_by=actor, status=RunStatus.RUNNING)
        detection.scan_run(run)
    coordinator = get_user_model().objects.filter(username="prapaporn").first() or actor
    if not Finding.objects.filter(decided_by__isnull=False).exists():
        linked = _pair(LINKED_TITLES)
        if linked is not None and linked.state == FindingState.SUGGESTED:
            services.finding_confirm(
                actor=coordinator,
                finding=linked,
                comment="ที่ประชุมคณะทำงานจังหวัดเห็นว่าเป็นกลุ่มผู้สูงอายุกลุ่มเดียวกัน ในเดือนเดียวกัน",
            )
            services.finding_link(
                actor=coordinator,
                finding=linked,
                role_of_a_in_b=OrgRole.PARTNER,
                role_of_b_in_a=OrgRole.PARTNER,
                comment="ให้ทั้งสองหน่วยงานวางแผนเยี่ยมบ้านร่วมกัน ไม่ให้เยี่ยมซ้ำบ้านเดียวกัน",
            )
        other = _pair(DISMISSED_TITLES)
        reason = "คนละงานกัน: บ้านมั่นคงสร้างและซ่อมที่อยู่อาศัย อีกโครงการจัดการที่ดินทำกินและโฉนดชุมชน"
        if other is None or other.state != FindingState.SUGGESTED:
            other = (
                Finding.objects.filter(
                    state=FindingState.SUGGESTED,
                    kind=FindingKind.OVERLAP,
                    is_current=True,
                    area_code__startswith="40",
                )
                .exclude(Q(pk=linked.pk) if linked is not None else Q(pk__in=[]))
                .order_by("score", "pk")
                .first()
            )
            reason = "ที่ประชุมคณะทำงานเห็นว่าเป็นคนละงานกัน"
        if other is not None:
            services.finding_dismiss(actor=coordinator, finding=other, comment=reason)
    return {
        "findings": Finding.objects.count(),
        "decided": Finding.objects.filter(decided_by__isnull=False).count(),
    }
