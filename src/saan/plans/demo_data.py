"""Demo joint plans: ขอนแก่น's and ตราด's plans for ปีงบประมาณ 2569, built from their demo common
agendas (``saan.forums.demo_data``), funded by several partners at different stages: pledges
not yet disbursed, in-kind staff and venues at a baht value, one transfer chain (สสส. → a local
foundation → the TPMAP verification item, counted once at สสส.), and one unfunded item.

ขอนแก่น's plan was agreed by the working group's resolution (version 1) and then revised: an
item was added afterwards, so version 2 is being worked on and the diff page has something to
show. Delivering projects are linked from the demo work register when it is loaded.

Everything goes through ``services`` as the demo administrator. Idempotent: a province whose
plan for 2569 already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from saan.areas.models import Area
from saan.forums.models import CommonAgenda, Resolution
from saan.partners import services as partner_services
from saan.partners.models import Organisation, Sector
from saan.plans import services
from saan.plans.models import BudgetSource, ItemRole, Plan, PlanItem

FY = 2569
FOUNDATION = "มูลนิธิเครือข่ายพัฒนาชุมชนขอนแก่น"

# (goal number in the agenda, item title, need in baht, subdistrict codes, lead, partners,
#  words that find delivering projects in the register)
ItemSpec = tuple[int, str, int, list[str], str, list[str], list[str]]
KHON_KAEN_ITEMS: list[ItemSpec] = [
    (
        1,
        "ดูแลผู้สูงอายุที่มีภาวะพึ่งพิงระยะยาว (LTC) ครอบคลุมทุกอำเภอ",
        2_400_000,
        [],
        "สปสช. เขต 7",
        ["สสจ.ขอนแก่น", "อบจ.ขอนแก่น"],
        ["ผู้สูงอายุ", "ติดเตียง"],
    ),
    (
        1,
        "อาสาสมัครบริบาลท้องถิ่น ต.สาวะถี",
        300_000,
        ["400108"],
        "ทต.สาวะถี",
        ["สภาองค์กรชุมชนตำบลสาวะถี"],
        ["บริบาล", "ชมรมผู้สูงอายุ", "ติดเตียง"],
    ),
    (
        2,
        "สอบทานข้อมูลครัวเรือนยากจนเป้าหมาย (TPMAP) ร่วมกับผู้นำชุมชน",
        450_000,
        [],
        "พมจ.ขอนแก่น",
        ["มข.", FOUNDATION],
        ["TPMAP", "ยากจน"],
    ),
    (
        3,
        "ขยายกองทุนสวัสดิการชุมชนให้ครอบคลุมทุกช่วงวัย",
        1_200_000,
        [],
        "พอช.",
        ["สภาองค์กรชุมชนตำบลสาวะถี"],
        ["สวัสดิการ"],
    ),
]
# Added after the plan was agreed (so version 2 differs), and still unfunded.
KHON_KAEN_LATE_ITEM: ItemSpec = (
    4,
    "สำรวจดัชนีความสุขคนขอนแก่นรายอำเภอ",
    350_000,
    [],
    "สช.",
    ["มข."],
    [],
)

TRAT_ITEMS: list[ItemSpec] = [
    (
        1,
        "คัดกรองและดูแลกลุ่มเสี่ยงโรคไม่ติดต่อเรื้อรังในชุมชน",
        800_000,
        [],
        "สสจ.ตราด",
        ["สปสช."],
        ["เบาหวาน", "ความดัน", "NCD"],
    ),
    (
        2,
        "ธนาคารปูและฟื้นฟูป่าชายเลน",
        500_000,
        [],
        "อบจ.ตราด",
        ["เครือข่ายประมงพื้นบ้านจังหวัดตราด"],
        ["ธนาคารปู", "ป่าชายเลน"],
    ),
    (3, "กลุ่มออมทรัพย์ชุมชนทุกอำเภอ", 300_000, [], "พอช.", ["หอการค้าจังหวัดตราด"], ["ออมทรัพย์"]),
    (4, "กองทุนสวัสดิการชุมชนตำบล", 400_000, [], "สภาองค์กรชุมชนจังหวัดตราด", ["สสส."], ["สวัสดิการ"]),
    (5, "เวทีพื้นที่กลางและข้อมูลร่วมของจังหวัด", 200_000, [], "สช.", ["นิด้า"], []),
]

# (item index, organisation, source, kind, in-kind type, pledged, committed, disbursed, spent)
KHON_KAEN_MONEY = [
    (
        0,
        "สปสช. เขต 7",
        "กองทุนหลักประกันสุขภาพระดับท้องถิ่น",
        "cash",
        "",
        1_200_000,
        1_200_000,
        800_000,
        500_000,
    ),
    (0, "อบจ.ขอนแก่น", "งบ อปท.", "cash", "", 600_000, 300_000, 0, 0),
    (0, "สสจ.ขอนแก่น", "งบกระทรวง/กรม", "in_kind", "staff", 240_000, 240_000, 120_000, 120_000),
    (1, "ทต.สาวะถี", "งบ อปท.", "cash", "", 150_000, 150_000, 150_000, 100_000),
    (1, "ทต.สาวะถี", "งบ อปท.", "in_kind", "venue", 20_000, 20_000, 20_000, 20_000),
    (3, "พอช.", "งบ พอช.", "cash", "", 500_000, 0, 0, 0),
    (3, "สภาองค์กรชุมชนตำบลสาวะถี", "กองทุนสวัสดิการชุมชน", "cash", "", 80_000, 80_000, 80_000, 45_000),
]

TRAT_MONEY = [
    (0, "สสจ.ตราด", "งบกระทรวง/กรม", "in_kind", "staff", 200_000, 200_000, 0, 0),
    (0, "สปสช.", "กองทุนหลักประกันสุขภาพระดับท้องถิ่น", "cash", "", 400_000, 0, 0, 0),
    (1, "อบจ.ตราด", "งบ อปท.", "cash", "", 250_000, 250_000, 100_000, 60_000),
    (
        1,
        "เครือข่ายประมงพื้นบ้านจังหวัดตราด",
        "เงินบริจาค/ทุนชุมชน",
        "in_kind",
        "staff",
        60_000,
        60_000,
        60_000,
        60_000,
    ),
    (2, "พอช.", "งบ พอช.", "cash", "", 200_000, 0, 0, 0),
    (3, "สภาองค์กรชุมชนจังหวัดตราด", "กองทุนสวัสดิการชุมชน", "cash", "", 120_000, 120_000, 120_000, 70_000),
    (4, "สช.", "งบกระทรวง/กรม", "cash", "", 100_000, 100_000, 0, 0),
    (4, "นิด้า", "งบวิจัย (บพท./สวรส.)", "in_kind", "data", 80_000, 0, 0, 0),
]


class _Orgs:
    def __init__(self) -> None:
        self.by: dict[str, Organisation] = {}
        for org in Organisation.objects.all():
            self.by.setdefault(org.name_th, org)
            if org.short_name:
                self.by.setdefault(org.short_name, org)

    def get(self, name: str) -> Organisation | None:
        return self.by.get(name)


def _projects(area: str, words: list[str]) -> list[Any]:
    from saan.projects.models import Project
    from saan.projects.queries import reaches_q

    found: list[Any] = []
    for word in words:
        for p in Project.objects.filter(reaches_q(area), title__contains=word).order_by("pk")[:2]:
            if p not in found:
                found.append(p)
        if len(found) >= 2:
            break
    return found


def _item(actor: Any, plan: Plan, goals: list[Any], spec: tuple[Any, ...], orgs: _Orgs) -> PlanItem:
    number, title, need, codes, lead, partners, words = spec
    goal = goals[number - 1] if len(goals) >= number else None
    roles: list[tuple[Organisation, str]] = []
    if orgs.get(lead):
        roles.append((orgs.get(lead), ItemRole.LEAD))  # type: ignore[arg-type]
    roles += [(o, ItemRole.PARTNER) for o in (orgs.get(n) for n in partners) if o is not None]
    targets = [(t.indicator, t.target) for t in goal.targets.all()] if goal is not None else []
    return services.item_add(
        actor=actor,
        plan=plan,
        goal=goal,
        title=title,
        budget_needed=Decimal(need),
        areas=list(Area.objects.filter(code__in=codes)),
        projects=_projects(codes[0] if codes else plan.area_id, words),
        indicators=targets,
        organisations=roles,
    )


def _give(actor: Any, items: list[PlanItem], money: list[tuple[Any, ...]], orgs: _Orgs) -> None:
    for index, who, source_name, kind, in_kind, *amounts in money:
        org = orgs.get(who)
        if org is None:
            continue
        item = items[index]
        services.contribution_create(
            actor=actor,
            item=item,
            organisation=org,
            fiscal_year=FY,
            kind=kind,
            in_kind_type=in_kind,
            source=BudgetSource.objects.filter(
                area_id=item.plan.province_code, name=source_name
            ).first(),
            **dict(zip(("pledged", "committed", "disbursed", "spent"), amounts, strict=True)),
        )


def _plan(actor: Any, code: str, title: str) -> tuple[Plan, list[Any]] | None:
    if Plan.objects.filter(area_id=code, fiscal_year=FY).exists():
        return None
    agenda = CommonAgenda.objects.filter(area_id=code).order_by("-fiscal_year").first()
    end = max(FY, agenda.fiscal_year) if agenda else FY
    plan = services.plan_create(
        actor=actor,
        area=Area.objects.get(code=code),
        fiscal_year=FY,
        fiscal_year_end=end,
        # The title names the years the plan covers (a plan joined to a later agenda runs on).
        title=f"{title} ปีงบประมาณ {FY}" + (f"–{end}" if end > FY else ""),
        agenda=agenda,
        description="แผนร่วมของภาคีในจังหวัดตามวาระร่วม: ใครทำอะไร ที่ไหน ใช้เงินจากแหล่งใด",
        is_public=True,
    )
    goals = list(agenda.goals.prefetch_related("targets__indicator")) if agenda else []
    return plan, goals


def _foundation(actor: Any) -> None:
    if not Organisation.objects.filter(name_th=FOUNDATION).exists():
        partner_services.organisation_create(
            actor=actor,
            name_th=FOUNDATION,
            name_en="Khon Kaen Community Development Network Foundation",
            sector=Sector.CIVIL_SOCIETY,
            home_area=Area.objects.get(code="40"),
        )


def _khon_kaen(actor: Any) -> None:
    _foundation(actor)
    made = _plan(actor, "40", "แผนร่วมภาคีสานพลังจังหวัดขอนแก่น")
    if made is None:
        return
    plan, goals = made
    orgs = _Orgs()
    items = [_item(actor, plan, goals, spec, orgs) for spec in KHON_KAEN_ITEMS]
    _give(actor, items, KHON_KAEN_MONEY, orgs)
    # The transfer chain: สสส. grants 300,000 to the foundation, which puts it into the TPMAP
    # verification item; counted once, at สสส.
    thf, foundation = orgs.get("สสส."), orgs.get(FOUNDATION)
    if thf is not None and foundation is not None:
        grant = services.contribution_create(
            actor=actor,
            item=items[2],
            organisation=thf,
            fiscal_year=FY,
            source=BudgetSource.objects.filter(area_id="40", name="กองทุน สสส.").first(),
            pledged=300_000,
            committed=300_000,
            disbursed=300_000,
            note="ทุนสนับสนุนผ่านมูลนิธิเครือข่ายพัฒนาชุมชนขอนแก่น",
        )
        services.contribution_create(
            actor=actor,
            item=items[2],
            organisation=foundation,
            fiscal_year=FY,
            funded_by=grant,
            pledged=300_000,
            committed=300_000,
            disbursed=150_000,
            spent=90_000,
            note="รับทุนจาก สสส. ดำเนินการสอบทานข้อมูลใน 5 อำเภอนำร่อง",
        )
    resolution = (
        Resolution.objects.filter(meeting__mechanism__area_id="40", text__contains="แผน")
        .order_by("meeting__starts_at", "order")
        .first()
    )
    agreed_on = resolution.meeting.starts_at.date() if resolution else dt.date(2025, 11, 20)
    services.plan_agree(
        actor=actor,
        plan=plan,
        resolution=resolution,
        agreed_on=agreed_on,
        note="คณะทำงานเห็นชอบแผนร่วมฉบับแรก",
    )
    # Revised after the agreement: one more item, not funded yet.
    _item(actor, plan, goals, KHON_KAEN_LATE_ITEM, orgs)


def _trat(actor: Any) -> None:
    made = _plan(actor, "23", "แผนร่วม 5 ดี วิถีตราด")
    if made is None:
        return
    plan, goals = made
    orgs = _Orgs()
    items = [_item(actor, plan, goals, spec, orgs) for spec in TRAT_ITEMS]
    _give(actor, items, TRAT_MONEY, orgs)


@transaction.atomic
def load_plans_demo(actor: Any) -> None:
    """Idempotent: running it twice changes nothing."""
    if actor is None:
        return
    _khon_kaen(actor)
    _trat(actor)
