"""Demo funds (called last by ``saan.core.demo.load_demo``):

- กองทุนสวัสดิการชุมชนตำบลสาวะถี (400108, อ.เมืองขอนแก่น), run by the subdistrict's community
  council: members save 1 baht a day, the government (through พอช.) and เทศบาลตำบลสาวะถี match,
  welfare paid for births, illness, the elderly and deaths, a grant to a project of the work
  register, and an approved overdraft while the government's match was late. ปีงบประมาณ 2568 is
  closed and carried forward; 2569 is open.
- กองทุนกลางของพื้นที่จังหวัดตราด, the joint area fund that partners pay into for ตราด's common
  agenda, 2569 open.

Every write goes through the services, as the demo administrator (and, for the overdraft, the
volunteer asks and the coordinator approves), so the audit trail looks like real use.
Idempotent: a fund that already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from saan.areas.models import Area
from saan.funds import services
from saan.funds.models import EntryKind, Fund, FundKind
from saan.partners.models import Organisation, Sector
from saan.partners.services import organisation_create
from saan.projects.models import Project

SAWATHI = "400108"
SAWATHI_COUNCIL = "สภาองค์กรชุมชนตำบลสาวะถี"
SAWATHI_FUND = "กองทุนสวัสดิการชุมชนตำบลสาวะถี"
TRAT = "23"
TRAT_COUNCIL = "สภาองค์กรชุมชนจังหวัดตราด"
TRAT_FUND = "กองทุนกลางของพื้นที่จังหวัดตราด (กองทุนบริหารร่วม)"

# Members of the welfare fund by fiscal year; each saves 1 baht a day (30 baht a month).
MEMBERS = {2568: 412, 2569: 447}

# (month offset from October, category, amount, recipient, description) – the names are
# invented; they show on the full books only, never on the public summary.
WELFARE_2568 = [
    (0, "birth", "500", "นางบัวผัน ศรีสะอาด", "รับขวัญบุตรแรกเกิด"),
    (1, "illness", "600", "นายทองคำ บุญมา", "นอนโรงพยาบาล 6 คืน"),
    (2, "elderly", "3,600", "ผู้สูงอายุ 12 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 1"),
    (3, "death", "8,000", "ครอบครัวนายสมบัติ แก้วดี", "ค่าทำศพสมาชิก"),
    (4, "illness", "300", "นางคำปุ่น ไชยวงศ์", "นอนโรงพยาบาล 3 คืน"),
    (5, "elderly", "3,600", "ผู้สูงอายุ 12 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 2"),
    (6, "birth", "500", "นางสาวพิมพ์ใจ ทองสุข", "รับขวัญบุตรแรกเกิด"),
    (7, "education", "2,000", "นักเรียน 4 คน", "ทุนการศึกษาบุตรสมาชิก"),
    (8, "elderly", "3,900", "ผู้สูงอายุ 13 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 3"),
    (9, "death", "8,000", "ครอบครัวนางจันทร์ ศรีบุญ", "ค่าทำศพสมาชิก"),
    (10, "illness", "900", "นายประเสริฐ ดวงดี", "นอนโรงพยาบาล 9 คืน"),
    (11, "elderly", "3,900", "ผู้สูงอายุ 13 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 4"),
]
WELFARE_2569 = [
    (0, "illness", "400", "นางสมหมาย ใจงาม", "นอนโรงพยาบาล 4 คืน"),
    (1, "birth", "500", "นางวิไล พรมมา", "รับขวัญบุตรแรกเกิด"),
    (2, "elderly", "4,200", "ผู้สูงอายุ 14 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 1"),
    (4, "death", "10,000", "ครอบครัวนายบุญส่ง มีชัย", "ค่าทำศพสมาชิก (อัตราใหม่)"),
    (5, "elderly", "4,200", "ผู้สูงอายุ 14 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 2"),
    (6, "disaster", "6,000", "ครัวเรือน 6 หลัง", "ช่วยเหลือน้ำท่วมบ้านหนองโน"),
    (8, "elderly", "4,500", "ผู้สูงอายุ 15 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 3"),
    (9, "illness", "700", "นายสุเมธ ศรีวงศ์", "นอนโรงพยาบาล 7 คืน"),
    (11, "elderly", "4,500", "ผู้สูงอายุ 15 คน", "เบี้ยสวัสดิการผู้สูงอายุ ไตรมาส 4"),
]


def _month(year_be: int, offset: int, day: int) -> dt.date:
    """The ``day`` of the month ``offset`` months after October that opens ``year_be``."""
    start_ce = year_be - 543 - 1
    month = 10 + offset
    year = start_ce + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, day)


def _organisation(actor: Any, name: str, area_code: str) -> Organisation:
    org = Organisation.objects.filter(name_th=name).first()
    if org is None:
        org = organisation_create(
            actor=actor,
            name_th=name,
            sector=Sector.COMMUNITY,
            home_area=Area.objects.get(code=area_code),
        )
    return org


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def _income(actor: Any, fund: Fund, day: dt.date, amount: Any, source: str, **kw: Any) -> None:
    services.entry_create(
        actor=actor, fund=fund, kind=EntryKind.INCOME, date=day, amount=amount, source=source, **kw
    )


def _welfare_year(actor: Any, fund: Fund, year: int, grants: list[Any], project: Any) -> None:
    members = MEMBERS[year]
    for offset in range(12):
        _income(
            actor,
            fund,
            _month(year, offset, 5),
            Decimal(members * 30),
            "members",
            description=f"เงินสัจจะสมาชิก {members} คน คนละ 30 บาท",
            reference=f"สจ.{year}/{offset + 1:02d}",
        )
    for offset, category, amount, recipient, description in grants:
        services.entry_create(
            actor=actor,
            fund=fund,
            kind=EntryKind.GRANT,
            date=_month(year, offset, 20),
            amount=amount,
            category=category,
            recipient=recipient,
            description=description,
            reference=f"จส.{year}/{offset + 1:02d}",
        )
    yearly = Decimal(members * 365)
    _income(
        actor,
        fund,
        _month(year, 9, 12),
        (yearly / 3).quantize(Decimal("0.01")),
        "local_government",
        description="เทศบาลตำบลสาวะถีสมทบ 1 ใน 3 ของเงินสัจจะ",
        reference=f"ทต.สาวะถี {year}",
    )
    _income(
        actor,
        fund,
        _month(year, 10, 15),
        yearly,
        "government",
        description="รัฐบาลสมทบผ่าน พอช. บาทต่อบาท",
        reference=f"พอช.{year}",
    )
    _income(actor, fund, _month(year, 11, 28), "1,245.50", "interest", description="ดอกเบี้ยเงินฝาก")
    services.entry_create(
        actor=actor,
        fund=fund,
        kind=EntryKind.EXPENSE,
        date=_month(year, 11, 29),
        amount="2,400",
        description="ค่าจัดประชุมใหญ่สามัญประจำปีและเครื่องเขียน",
        reference=f"คช.{year}/01",
    )
    if project is not None:
        services.entry_create(
            actor=actor,
            fund=fund,
            kind=EntryKind.GRANT,
            date=_month(year, 7, 3),
            amount="15,000",
            category="project",
            project=project,
            description="สมทบโครงการในพื้นที่ตำบล",
        )


def _new_fund(actor: Any, area_code: str, name: str, council: str, **fields: Any) -> Fund | None:
    """Create the fund ``name`` in the area, managed by the organisation ``council`` (made if
    missing); None when the area already has it (the demo data is loaded once)."""
    area = Area.objects.get(code=area_code)
    if Fund.objects.filter(area=area, name=name).exists():
        return None
    organisation = _organisation(actor, council, area_code)
    return services.fund_create(
        actor=actor, name=name, area=area, organisation=organisation, **fields
    )


def _sawathi(actor: Any) -> None:
    fund = _new_fund(
        actor,
        SAWATHI,
        SAWATHI_FUND,
        SAWATHI_COUNCIL,
        kind=FundKind.WELFARE,
        start_year=2568,
        opening_balance="186,420",
        description=(
            "กองทุนสวัสดิการชุมชนแบบ “สามขาหนุน”: สมาชิกออมวันละ 1 บาท รัฐบาลสมทบผ่าน พอช. "
            "และเทศบาลตำบลสาวะถีสมทบ จ่ายสวัสดิการเกิด เจ็บ แก่ ตาย และทุนการศึกษา"
        ),
        is_public=True,
    )
    if fund is None:
        return
    project = (
        Project.objects.filter(areas__code__startswith="4001", visibility="public")
        .order_by("id")
        .first()
    )
    _welfare_year(actor, fund, 2568, WELFARE_2568, project)
    services.period_close(actor=actor, fund=fund, fiscal_year=2568)
    # 2569: the government's match comes late (August), so the volunteer asked for an overdraft
    # to cover welfare in the meantime and the province's coordinator approved it.
    volunteer, coordinator = _user("boonmee"), _user("prapaporn")
    if volunteer is not None and coordinator is not None:
        od = services.overdraft_request(
            actor=volunteer,
            fund=fund,
            limit="20,000",
            valid_from=dt.date(2026, 3, 1),
            valid_until=dt.date(2026, 8, 31),
            reason="เงินสมทบจากรัฐบาลปี 2569 ยังไม่เข้า แต่ต้องจ่ายช่วยเหลือน้ำท่วม",
        )
        services.overdraft_decide(actor=coordinator, overdraft=od, approve=True)
    _welfare_year(actor, fund, 2569, WELFARE_2569, None)
    # A correction: a death benefit recorded twice in 2568 (closed) is reversed in 2569.
    twice = services.entry_create(
        actor=actor,
        fund=fund,
        kind=EntryKind.GRANT,
        date=dt.date(2025, 11, 21),
        amount="10,000",
        category="death",
        recipient="ครอบครัวนายบุญส่ง มีชัย",
        description="ค่าทำศพสมาชิก (บันทึกซ้ำ)",
        reference="จส.2569/02",
    )
    services.entry_reverse(
        actor=actor, entry=twice, date=dt.date(2025, 11, 25), reason="บันทึกซ้ำกับใบสำคัญเดิม"
    )


def _trat(actor: Any) -> None:
    fund = _new_fund(
        actor,
        TRAT,
        TRAT_FUND,
        TRAT_COUNCIL,
        kind=FundKind.AREA,
        start_year=2569,
        opening_balance="0",
        description="กองทุนบริหารร่วมในระดับพื้นที่ของภาคีจังหวัดตราด สำหรับวาระร่วม “5 ดี วิถีตราด”",
        is_public=True,
    )
    if fund is None:
        return
    for day, amount, source, text in [
        (dt.date(2025, 11, 10), "300,000", "partner", "สสส. สนับสนุนกลไกกลางของจังหวัด"),
        (dt.date(2025, 12, 15), "250,000", "partner", "พอช. สมทบแผนงานที่อยู่อาศัยและสวัสดิการ"),
        (dt.date(2026, 1, 20), "200,000", "local_government", "อบจ.ตราด สมทบ"),
        (dt.date(2026, 2, 5), "48,500", "donation", "ภาคเอกชนและหอการค้าจังหวัดตราดบริจาค"),
    ]:
        _income(actor, fund, day, amount, source, description=text)
    for day, amount, category, text in [
        (dt.date(2026, 3, 1), "180,000", "livelihood", "ทุนหมุนเวียนกลุ่มประมงพื้นบ้าน 6 กลุ่ม"),
        (dt.date(2026, 4, 18), "120,000", "project", "สนับสนุนแผนงานชุมชนท่องเที่ยวเกาะช้าง"),
        (dt.date(2026, 6, 2), "95,000", "disaster", "ฟื้นฟูหลังพายุฤดูร้อน อ.แหลมงอบ"),
    ]:
        services.entry_create(
            actor=actor,
            fund=fund,
            kind=EntryKind.GRANT,
            date=day,
            amount=amount,
            category=category,
            recipient="กลุ่มองค์กรชุมชนในจังหวัดตราด",
            description=text,
        )
    services.entry_create(
        actor=actor,
        fund=fund,
        kind=EntryKind.REPAYMENT,
        date=dt.date(2026, 8, 30),
        amount="45,000",
        description="กลุ่มประมงพื้นบ้านชำระคืนทุนหมุนเวียนงวดแรก",
    )
    services.entry_create(
        actor=actor,
        fund=fund,
        kind=EntryKind.EXPENSE,
        date=dt.date(2026, 9, 15),
        amount="12,800",
        description="ค่าประชุมคณะกรรมการกองทุนและรายงานสาธารณะ",
    )


@transaction.atomic
def load_funds_demo(actor: Any) -> None:
    """Idempotent: running it twice changes nothing."""
    _sawathi(actor)
    _trat(actor)
