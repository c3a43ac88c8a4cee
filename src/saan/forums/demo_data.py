"""Demo central spaces: the working groups of ขอนแก่น and ตราด with members from the nine
strategic partners and local organisations, three past meetings each with minutes, attendance
by sector and resolutions in every state (one overdue, one due within the week, one draft
without an owner), the next meeting planned with the open resolutions carried onto its agenda;
the common agendas "คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน" and "5 ดี วิถีตราด"; and
เชียงราย's charter "ธรรมนูญของคนเชียงราย", signed, then amended after the 2024 floods.

Recent meetings are placed relative to today so the follow-up pages always have something
overdue and something due soon; Khon Kaen's first meeting is the real launch of 2 May 2025
(about 200 people, seed 001). People on the mechanisms are invented names.

Everything goes through ``services`` as the demo administrator, so the audit trail reads like
real use. Idempotent: a block whose mechanism (or charter) already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from saan.areas.models import Area
from saan.core.thai import be_year, fiscal_year
from saan.forums import services
from saan.forums.models import (
    Charter,
    CharterKind,
    Mechanism,
    MechanismKind,
    MechanismMember,
    MeetingStatus,
    MemberRole,
    ProposalStatus,
    ResolutionStatus,
    bangkok_today,
)
from saan.partners import services as partner_services
from saan.partners.models import Membership, Organisation, Role, Sector

BANGKOK = ZoneInfo("Asia/Bangkok")
KHON_KAEN_WG = "คณะทำงานภาคีอาสาจังหวัดขอนแก่น"
TRAT_WG = "คณะทำงานภาคีอาสาจังหวัดตราด"
TRAT_COUNCIL = "สภาองค์กรชุมชนจังหวัดตราด"
CHIANG_RAI_ASSEMBLY = "สมัชชาสุขภาพจังหวัดเชียงราย"
CHIANG_RAI_CHARTER = "ธรรมนูญของคนเชียงราย"

# Local organisations the other demos do not make (sector, Thai name, English, short, area).
LOCAL_ORGANISATIONS = [
    (
        Sector.GOVERNMENT_OFFICE,
        "สำนักงานสาธารณสุขจังหวัดตราด",
        "Trat Provincial Public Health Office",
        "สสจ.ตราด",
        "23",
    ),
    (Sector.ACADEMIC, "วิทยาลัยชุมชนตราด", "Trat Community College", "วชช.ตราด", "23"),
    (Sector.PRIVATE, "หอการค้าจังหวัดตราด", "Trat Chamber of Commerce", "", "23"),
    (
        Sector.CIVIL_SOCIETY,
        "เครือข่ายประมงพื้นบ้านจังหวัดตราด",
        "Trat Small-scale Fishers Network",
        "",
        "23",
    ),
    (
        Sector.GOVERNMENT_OFFICE,
        "สำนักงานสาธารณสุขจังหวัดเชียงราย",
        "Chiang Rai Provincial Public Health Office",
        "สสจ.เชียงราย",
        "57",
    ),
]


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def _number(mechanism: Mechanism, day: dt.date) -> str:
    """The next number in the mechanism's numbering for the year: ครั้งที่ 2/2569."""
    year = be_year(day.year)
    n = mechanism.meetings.filter(number__endswith=f"/{year}").count() + 1
    return f"ครั้งที่ {n}/{year}"


class _Orgs:
    """Organisations by short or Thai name; the local ones are made once, as the admin."""

    def __init__(self, admin: Any) -> None:
        existing = set(Organisation.objects.values_list("name_th", flat=True))
        for sector, name_th, name_en, short, area in LOCAL_ORGANISATIONS:
            if name_th not in existing:
                partner_services.organisation_create(
                    actor=admin,
                    name_th=name_th,
                    name_en=name_en,
                    short_name=short,
                    sector=sector,
                    home_area=Area.objects.get(code=area),
                )
        self._by_name: dict[str, Organisation] = {}
        for org in Organisation.objects.all():
            self._by_name.setdefault(org.name_th, org)
            if org.short_name:
                self._by_name.setdefault(org.short_name, org)

    def __getitem__(self, name: str) -> Organisation:
        return self._by_name[name]

    def get(self, name: str) -> Organisation | None:
        return self._by_name.get(name)


def _seat(
    admin: Any,
    mechanism: Mechanism,
    orgs: _Orgs,
    name: str,
    org: str | None,
    role: str = MemberRole.MEMBER,
    *,
    position: str = "",
    user: Any = None,
    sector: str = "",
    since: dt.date,
) -> MechanismMember:
    return services.member_add(
        actor=admin,
        mechanism=mechanism,
        person_name=name,
        organisation=orgs.get(org) if org else None,
        sector=sector,
        role=role,
        position=position,
        user=user,
        term_start=since,
    )


def _attend(admin: Any, meeting: Any, members: list[MechanismMember], groups: list[tuple]) -> None:
    for m in members:
        services.attendance_add(actor=admin, meeting=meeting, member=m)
    for name, sector, headcount in groups:
        services.attendance_add(
            actor=admin, meeting=meeting, guest_name=name, sector=sector, headcount=headcount
        )


def _indicator(code: str) -> Any:
    from saan.indicators.models import Indicator

    return Indicator.objects.filter(code=code).first()


def _indicators(*codes: str) -> list[Any]:
    return [i for i in (_indicator(c) for c in codes) if i is not None]


def _project(area: str, *words: str) -> list[Any]:
    """A demo project in the area whose title has one of the words (none if the register is
    not loaded)."""
    from saan.projects.models import Project
    from saan.projects.queries import reaches_q

    for word in words:
        p = Project.objects.filter(reaches_q(area), title__contains=word).order_by("pk").first()
        if p is not None:
            return [p]
    return []


def _resolve(
    admin: Any,
    meeting: Any,
    text: str,
    owner: Organisation | None,
    due: dt.date | None,
    *,
    status: str = ResolutionStatus.OPEN,
    progress: list[tuple[dt.date, str, str]] | None = None,
    projects: list[Any] | None = None,
    indicators: list[Any] | None = None,
) -> Any:
    """A resolution made open, then moved through its progress reports."""
    initial = ResolutionStatus.DRAFT if status == ResolutionStatus.DRAFT else ResolutionStatus.OPEN
    resolution = services.resolution_create(
        actor=admin,
        meeting=meeting,
        text=text,
        owner=owner,
        due_date=due,
        status=initial,
        projects=projects,
        indicators=indicators,
    )
    for day, report, new_status in progress or []:
        services.progress_report(
            actor=admin, resolution=resolution, text=report, new_status=new_status, reported_on=day
        )
    return resolution


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


# ---------------------------------------------------------------------------------- ขอนแก่น


def _khon_kaen(admin: Any, orgs: _Orgs, today: dt.date) -> None:
    if Mechanism.objects.filter(area_id="40", name=KHON_KAEN_WG).exists():
        return
    launch = dt.date(2025, 5, 2)
    wg = services.mechanism_create(
        actor=admin,
        area=Area.objects.get(code="40"),
        kind=MechanismKind.WORKING_GROUP,
        name=KHON_KAEN_WG,
        description=(
            "พื้นที่กลางของภาคีสานพลังพื้นที่เข้มแข็ง (ภาคีอาสา) จังหวัดขอนแก่น "
            "เชื่อมคน เชื่อมงาน สร้างนโยบาย ภายใต้เป้าหมาย “คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน”"
        ),
        is_public=True,
        term_start=launch,
    )
    seat = {
        "chair": _seat(
            admin,
            wg,
            orgs,
            "ผศ.ดร.วีระพงษ์ แสงทอง",
            "มข.",
            MemberRole.CHAIR,
            position="คณะมนุษยศาสตร์และสังคมศาสตร์",
            since=launch,
        ),
        "nhco": _seat(
            admin,
            wg,
            orgs,
            "ประภาพร ศรีวงศ์",
            "สช.",
            MemberRole.SECRETARY,
            position="ผู้ประสานงานภาคีสานพลังจังหวัดขอนแก่น",
            user=_user("prapaporn"),
            since=launch,
        ),
        "codi": _seat(
            admin,
            wg,
            orgs,
            "สมชาย ใจดี",
            "พอช.",
            position="เจ้าหน้าที่ประสานงานภาคอีสาน",
            user=_user("somchai"),
            since=launch,
        ),
        "thaihealth": _seat(admin, wg, orgs, "กนกวรรณ พิมพ์ทอง", "สสส.", since=launch),
        "nhso": _seat(admin, wg, orgs, "ธนากร บุญเรือง", "สปสช. เขต 7", since=launch),
        "hsri": _seat(admin, wg, orgs, "ศิริพร ดวงดี", "สวรส.", since=launch),
        "pmua": _seat(admin, wg, orgs, "วิชัย พลเยี่ยม", "บพท.", since=launch),
        "nida": _seat(admin, wg, orgs, "ดร.ณัฐวุฒิ ศรีประเสริฐ", "นิด้า", since=launch),
        "niems": _seat(admin, wg, orgs, "นพ.อนุชา มีสุข", "สพฉ.", since=launch),
        "ha": _seat(admin, wg, orgs, "รัชนี ทองประเสริฐ", "สรพ.", since=launch),
        "ppho": _seat(
            admin, wg, orgs, "อรุณี คำมา", "สสจ.ขอนแก่น", position="นักวิชาการสาธารณสุข", since=launch
        ),
        "pao_old": _seat(admin, wg, orgs, "สมพงษ์ ทองคำ", "อบจ.ขอนแก่น", since=launch),
        "msdhs": _seat(admin, wg, orgs, "จิราพร ทองมา", "พมจ.ขอนแก่น", since=launch),
        "sawathi": _seat(
            admin, wg, orgs, "กิตติศักดิ์ ใจซื่อ", "ทต.สาวะถี", position="ปลัดเทศบาล", since=launch
        ),
        "council": _seat(
            admin,
            wg,
            orgs,
            "บัวผัน ศรีสะอาด",
            "สภาองค์กรชุมชนตำบลสาวะถี",
            position="ประธานสภาองค์กรชุมชนตำบล",
            since=launch,
        ),
        "chamber": _seat(admin, wg, orgs, "สุรชัย แก้วมณี", "หอการค้าจังหวัดขอนแก่น", since=launch),
        "civil": _seat(
            admin, wg, orgs, "เอกชัย ภูมิสถาน", "เครือข่ายประชาสังคมจังหวัดขอนแก่น", since=launch
        ),
        "media": _seat(admin, wg, orgs, "พิมพ์ชนก แสนสุข", "สวท.ขอนแก่น", since=launch),
    }

    # 1 — the launch, seed 001: about 200 people from every sector.
    m1 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, launch),
        title="สานพลังภาคีอาสา สร้างจังหวัดเข้มแข็ง จังหวัดขอนแก่น",
        starts_at=_at(launch),
        ends_at=_at(launch, 16, 30),
        place="ห้องประชุม 3 อาคาร HS05 คณะมนุษยศาสตร์และสังคมศาสตร์ มหาวิทยาลัยขอนแก่น",
        status=MeetingStatus.HELD,
        minutes=(
            "ประธานกล่าวเปิดประชุมและชี้แจงแนวคิดภาคีอาสา (Area Strengthening Alliance) "
            "การใช้พื้นที่เป็นฐาน บูรณาการทุกภาคส่วน สร้างการมีส่วนร่วม และวัดผลด้วยตัวชี้วัดที่ชัดเจน\n"
            "ที่ประชุมร่วมกันกำหนดเป้าหมาย “คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน” "
            "ยึดหลัก เชื่อมคน-เชื่อมงาน-สร้างนโยบาย\n"
            "ช่วงบ่าย คณะทำงานลงพื้นที่เรียนรู้ที่เทศบาลตำบลสาวะถี อ.เมือง จ.ขอนแก่น"
        ),
    )
    _attend(
        admin,
        m1,
        list(seat.values()),
        [
            ("ผู้แทนหน่วยงานระดับชาติและสำนักงานเขต", Sector.NATIONAL_AGENCY, 18),
            ("ผู้แทนองค์กรปกครองส่วนท้องถิ่น", Sector.LOCAL_GOVERNMENT, 34),
            ("ผู้แทนส่วนราชการจังหวัด", Sector.GOVERNMENT_OFFICE, 26),
            ("คณาจารย์และนักศึกษา", Sector.ACADEMIC, 24),
            ("ผู้แทนภาคเอกชน", Sector.PRIVATE, 12),
            ("เครือข่ายภาคประชาสังคม", Sector.CIVIL_SOCIETY, 30),
            ("ผู้นำองค์กรชุมชน", Sector.COMMUNITY, 32),
            ("สื่อมวลชน", Sector.MEDIA, 6),
        ],
    )
    _resolve(
        admin,
        m1,
        "ตั้งคณะทำงานภาคีอาสาจังหวัดขอนแก่น จากผู้แทนทุกภาคส่วน โดยมี สช. เป็นเลขานุการ",
        orgs["สช."],
        dt.date(2025, 6, 30),
        progress=[(dt.date(2025, 6, 20), "มีคำสั่งแต่งตั้งคณะทำงานแล้ว 18 คน", "done")],
    )
    _resolve(
        admin,
        m1,
        "จัดทำฐานข้อมูลกลางของจังหวัด เชื่อมข้อมูล TPMAP จปฐ. และข้อมูลสุขภาพ เพื่อใช้ข้อมูลนำการตัดสินใจ",
        orgs["มข."],
        dt.date(2025, 9, 30),
        indicators=_indicators("tpmap-poor-hh-rate", "jpt-fail-rate"),
        progress=[
            (dt.date(2025, 8, 1), "ออกแบบโครงสร้างข้อมูลและขอข้อมูลจากหน่วยงานแล้ว", "in_progress"),
            (dt.date(2025, 9, 26), "เปิดใช้ฐานข้อมูลกลางระยะแรกแล้ว", "done"),
        ],
    )
    _resolve(
        admin,
        m1,
        "ยกร่างวาระร่วม “คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน” เสนอที่ประชุมครั้งถัดไป",
        orgs["สช."],
        dt.date(2025, 8, 31),
        progress=[(dt.date(2025, 8, 25), "ยกร่างวาระร่วมและเป้าหมาย 4 ด้านแล้ว", "done")],
    )
    services.member_end(
        actor=admin, member=seat["pao_old"], term_end=launch + dt.timedelta(days=45)
    )
    pao = _seat(
        admin,
        wg,
        orgs,
        "ประเสริฐ วงศ์คำ",
        "อบจ.ขอนแก่น",
        position="รองนายก อบจ.",
        since=launch + dt.timedelta(days=46),
    )
    present = [s for k, s in seat.items() if k != "pao_old"] + [pao]

    # 2 — four months ago.
    d2 = today - dt.timedelta(days=120)
    m2 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, d2),
        starts_at=_at(d2, 13, 30),
        ends_at=_at(d2, 16, 30),
        place="ห้องประชุมศาลากลางจังหวัดขอนแก่น ชั้น 2",
        status=MeetingStatus.HELD,
        minutes=(
            "ที่ประชุมรับทราบความคืบหน้าฐานข้อมูลกลาง และรับรองวาระร่วมประจำปี\n"
            "ฝ่ายเลขานุการนำเสนอภาพรวมผู้สูงอายุที่มีภาวะพึ่งพิงและครัวเรือนที่อยู่อาศัยไม่มั่นคง"
        ),
    )
    _attend(admin, m2, present[:14], [("ผู้แทนอำเภอนำร่อง", Sector.GOVERNMENT_OFFICE, 4)])
    care = _resolve(
        admin,
        m2,
        "ขยายระบบการดูแลผู้สูงอายุที่มีภาวะพึ่งพิงระยะยาวให้ครอบคลุมทุกตำบลในอำเภอนำร่อง "
        "โดยใช้กองทุนหลักประกันสุขภาพระดับพื้นที่ร่วมกับงบของ อบจ.",
        orgs["สปสช. เขต 7"],
        today + dt.timedelta(days=60),
        projects=_project("40", "ผู้สูงอายุ", "ติดเตียง"),
        indicators=_indicators("elderly-dependent", "bedridden"),
        progress=[
            (d2 + dt.timedelta(days=30), "ประชุมกองทุนตำบล 12 แห่ง อนุมัติแผนแล้ว 7 แห่ง", "in_progress")
        ],
    )
    _resolve(
        admin,
        m2,
        "ให้ พอช. ร่วมกับสภาองค์กรชุมชนตำบล สำรวจครัวเรือนที่อยู่อาศัยไม่มั่นคง และเสนอโครงการบ้านมั่นคงชนบทต่อที่ประชุม",
        orgs["พอช."],
        today - dt.timedelta(days=10),
        projects=_project("40", "บ้านมั่นคง", "ที่อยู่อาศัย"),
    )
    _resolve(
        admin,
        m2,
        "ศึกษาแนวทางจัดตั้งกองทุนร่วมระดับจังหวัด (ถาดร่วม)",
        None,
        None,
        status=ResolutionStatus.DRAFT,
    )

    # 3 — six weeks ago.
    d3 = today - dt.timedelta(days=40)
    m3 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, d3),
        starts_at=_at(d3, 9, 30),
        ends_at=_at(d3, 12, 0),
        place="เทศบาลตำบลสาวะถี อ.เมืองขอนแก่น",
        status=MeetingStatus.HELD,
        minutes="ติดตามมติครั้งก่อน และวางแผนสอบทานข้อมูลครัวเรือนยากจนในตำบลนำร่อง",
    )
    _attend(
        admin,
        m3,
        present[:10],
        [("ผู้นำชุมชนตำบลสาวะถี", Sector.COMMUNITY, 12), ("อาสาสมัครข้อมูลตำบล", Sector.COMMUNITY, 8)],
    )
    _resolve(
        admin,
        m3,
        "สอบทานรายชื่อครัวเรือนยากจนเป้าหมาย (TPMAP) ในตำบลนำร่องร่วมกับผู้นำชุมชน และส่งผลให้ฐานข้อมูลกลาง",
        orgs["พมจ.ขอนแก่น"],
        today + dt.timedelta(days=5),
        indicators=_indicators("tpmap-poor-hh", "tpmap-poor-hh-rate"),
    )
    budget = _resolve(
        admin,
        m3,
        "จัดทำข้อเสนอแผนและงบประมาณร่วมปี 2570 เสนอ อบจ.ขอนแก่น และคณะกรรมการบริหารงานจังหวัด",
        orgs["อบจ.ขอนแก่น"],
        today + dt.timedelta(days=90),
    )
    _resolve(
        admin,
        m3,
        "จัดเวทีถอดบทเรียนเทศบาลตำบลสาวะถีแยกต่างหาก",
        orgs["ทต.สาวะถี"],
        today - dt.timedelta(days=20),
        status=ResolutionStatus.DROPPED,
        progress=[(d3 + dt.timedelta(days=14), "ที่ประชุมให้รวมไว้ในเวทีสมัชชาสุขภาพจังหวัดแทน", "dropped")],
    )
    services.proposal_create(
        actor=admin,
        mechanism=wg,
        title="บรรจุการดูแลผู้สูงอายุระยะยาวไว้ในแผนพัฒนาจังหวัดขอนแก่น",
        text=(
            "คณะทำงานเสนอให้บรรจุการดูแลผู้สูงอายุที่มีภาวะพึ่งพิงระยะยาวเป็นประเด็นในแผนพัฒนาจังหวัด "
            "และจัดสรรงบประมาณสมทบกองทุนหลักประกันสุขภาพระดับพื้นที่"
        ),
        addressed_to="คณะกรรมการบริหารงานจังหวัดแบบบูรณาการ (ก.บ.จ.) ขอนแก่น",
        resolution=care,
        status=ProposalStatus.SUBMITTED,
        submitted_on=d2 + dt.timedelta(days=21),
    )
    services.proposal_create(
        actor=admin,
        mechanism=wg,
        title="แผนและงบประมาณร่วมของภาคี ปี 2570",
        text="ร่างข้อเสนอแผนงานร่วมและการสมทบงบประมาณของภาคีทั้งเก้าหน่วยงานกับ อบจ.ขอนแก่น",
        addressed_to="องค์การบริหารส่วนจังหวัดขอนแก่น",
        resolution=budget,
    )

    # 4 — in three weeks: the open resolutions are carried onto its agenda when it is made.
    d4 = today + dt.timedelta(days=21)
    m4 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, d4),
        starts_at=_at(d4, 9, 30),
        ends_at=_at(d4, 12, 0),
        place="ห้องประชุมองค์การบริหารส่วนจังหวัดขอนแก่น",
    )
    services.agenda_item_add(
        actor=admin,
        meeting=m4,
        title="ข้อเสนอจัดเวทีสมัชชาสุขภาพจังหวัดขอนแก่น ประจำปี",
        raised_by=seat["council"],
    )

    agenda = services.agenda_create(
        actor=admin,
        area=Area.objects.get(code="40"),
        fiscal_year=fiscal_year(today),
        vision="คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน",
        description="เชื่อมคน เชื่อมงาน สร้างนโยบาย: ภาพรวมทั้งจังหวัดจากข้อมูลจริง",
        mechanism=wg,
        adopted_on=d2,
    )
    _goals(
        admin,
        agenda,
        orgs,
        [
            (
                "ผู้สูงอายุที่มีภาวะพึ่งพิงได้รับการดูแลระยะยาวที่บ้าน",
                "ageing",
                [("elderly-dependent", None)],
                ["สปสช. เขต 7", "สสจ.ขอนแก่น", "อบจ.ขอนแก่น"],
            ),
            (
                "ลดครัวเรือนยากจนเป้าหมายด้วยข้อมูลที่สอบทานแล้ว",
                "poverty",
                [("tpmap-poor-hh-rate", Decimal("3.5"))],
                ["พมจ.ขอนแก่น", "พอช.", "มข."],
            ),
            (
                "สวัสดิการชุมชนครอบคลุมคนทุกช่วงวัย",
                "community-welfare",
                [("welfare-fund-coverage", Decimal("30"))],
                ["พอช. ภาคอีสาน", "สภาองค์กรชุมชนตำบลสาวะถี"],
            ),
            (
                "คนขอนแก่นมีความสุขเพิ่มขึ้น",
                "health",
                [("happiness-index", Decimal("7.5")), ("happiness-health", Decimal("7.5"))],
                ["สสส.", "สช.", "ทต.สาวะถี"],
            ),
        ],
    )
    services.agenda_snapshot(actor=admin, meeting=m4)


def _goals(
    admin: Any,
    agenda: Any,
    orgs: _Orgs,
    specs: list[tuple[str, str, list[tuple[str, Decimal | None]], list[str]]],
) -> None:
    from saan.projects.models import Theme

    for title, theme, targets, committed in specs:
        pairs = [(_indicator(code), value) for code, value in targets]
        services.goal_add(
            actor=admin,
            agenda=agenda,
            title=title,
            theme=Theme.objects.filter(slug=theme).first(),
            organisations=[o for o in (orgs.get(n) for n in committed) if o is not None],
            targets=[(ind, value) for ind, value in pairs if ind is not None],
        )


# ------------------------------------------------------------------------------------ ตราด


def _trat_coordinator() -> Any:
    grant = (
        Membership.objects.filter(role=Role.COORDINATOR, area_id="23", is_active=True)
        .select_related("user")
        .first()
    )
    return grant.user if grant else None


def _trat(admin: Any, orgs: _Orgs, today: dt.date) -> None:
    if Mechanism.objects.filter(area_id="23", name=TRAT_WG).exists():
        return
    start = dt.date(2025, 6, 13)
    trat = Area.objects.get(code="23")
    wg = services.mechanism_create(
        actor=admin,
        area=trat,
        kind=MechanismKind.WORKING_GROUP,
        name=TRAT_WG,
        description="ใช้พื้นที่เป็นตัวตั้ง ใช้กลไกอำเภอประสานงาน ขับเคลื่อนนโยบาย 5 ดี วิถีตราด",
        term_start=start,
    )
    coordinator = _trat_coordinator()
    seats = [
        _seat(
            admin,
            wg,
            orgs,
            "มานพ ทะเลทอง",
            "สภาองค์กรชุมชนจังหวัดตราด",
            MemberRole.CHAIR,
            position="ประธานสภาองค์กรชุมชนจังหวัดตราด",
            since=start,
        ),
        _seat(
            admin,
            wg,
            orgs,
            coordinator.get_full_name() if coordinator else "ชุติมา ทะเลงาม",
            "สช.",
            MemberRole.SECRETARY,
            user=coordinator,
            since=start,
        ),
        _seat(admin, wg, orgs, "วรรณา เกาะกูด", "อบจ.ตราด", since=start),
        _seat(admin, wg, orgs, "ปรีชา แหลมงอบ", "สสจ.ตราด", since=start),
        _seat(admin, wg, orgs, "สุนีย์ คลองใหญ่", "พอช.", since=start),
        _seat(admin, wg, orgs, "อำนาจ บ่อไร่", "สสส.", since=start),
        _seat(admin, wg, orgs, "กมล เขาสมิง", "สปสช.", since=start),
        _seat(admin, wg, orgs, "ดร.พรทิพย์ ไม้รูด", "นิด้า", since=start),
        _seat(admin, wg, orgs, "จักรพันธ์ หาดเล็ก", "บพท.", since=start),
        _seat(admin, wg, orgs, "อัมพร ช้างทูน", "สวรส.", since=start),
        _seat(admin, wg, orgs, "ธีรวัฒน์ น้ำเชี่ยว", "สพฉ.", since=start),
        _seat(admin, wg, orgs, "นงลักษณ์ ท่าโสม", "สรพ.", since=start),
        _seat(admin, wg, orgs, "สมศักดิ์ ด่านชุมพล", "วชช.ตราด", since=start),
        _seat(admin, wg, orgs, "ยุพิน แสนตุ้ง", "หอการค้าจังหวัดตราด", since=start),
        _seat(admin, wg, orgs, "บุญส่ง ประมงดี", "เครือข่ายประมงพื้นบ้านจังหวัดตราด", since=start),
    ]
    services.mechanism_create(
        actor=admin,
        area=trat,
        kind=MechanismKind.COMMUNITY_COUNCIL,
        name=TRAT_COUNCIL,
        description="ใช้เชิงประเด็นสภาองค์กรชุมชนเป็นกลไกขับเคลื่อนงานร่วมกับภาคีเครือข่าย",
        term_start=dt.date(2024, 1, 1),
    )

    m1 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, start),
        starts_at=_at(start),
        ends_at=_at(start, 15, 0),
        place="ศาลากลางจังหวัดตราด ห้องประชุมชั้น 3",
        status=MeetingStatus.HELD,
        minutes="เปิดตัวคณะทำงาน รับรองนโยบายหลัก 5 ดี วิถีตราด เป็นวาระร่วมของคนในจังหวัด",
    )
    _attend(
        admin,
        m1,
        seats,
        [
            ("ผู้แทนองค์กรปกครองส่วนท้องถิ่น", Sector.LOCAL_GOVERNMENT, 22),
            ("ผู้แทนส่วนราชการ", Sector.GOVERNMENT_OFFICE, 15),
            ("ผู้นำองค์กรชุมชน", Sector.COMMUNITY, 28),
            ("ภาคประชาสังคม", Sector.CIVIL_SOCIETY, 10),
        ],
    )
    _resolve(
        admin,
        m1,
        "ยกร่างวาระร่วม “5 ดี วิถีตราด” พร้อมตัวชี้วัด",
        orgs["สช."],
        dt.date(2025, 8, 31),
        progress=[(dt.date(2025, 8, 20), "ยกร่างเสร็จ เสนอที่ประชุมครั้งที่ 2", "done")],
    )
    d2 = today - dt.timedelta(days=100)
    m2 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, d2),
        starts_at=_at(d2, 13, 30),
        place="องค์การบริหารส่วนจังหวัดตราด",
        status=MeetingStatus.HELD,
        minutes="รับรองวาระร่วม 5 ดี วิถีตราด และมอบหมายงานตามประเด็น",
    )
    _attend(admin, m2, seats[:12], [])
    _resolve(
        admin,
        m2,
        "สำรวจและฟื้นฟูป่าชายเลนร่วมกับเครือข่ายประมงพื้นบ้าน 10 ชุมชน",
        orgs["อบจ.ตราด"],
        today - dt.timedelta(days=15),
        progress=[(d2 + dt.timedelta(days=40), "สำรวจแล้ว 6 ชุมชน", "in_progress")],
    )
    _resolve(
        admin,
        m2,
        "จัดระบบคัดกรองสุขภาพผู้สูงอายุในตำบลชายฝั่ง",
        orgs["สสจ.ตราด"],
        today + dt.timedelta(days=45),
        indicators=_indicators("elderly-share"),
    )
    d3 = today - dt.timedelta(days=30)
    m3 = services.meeting_create(
        actor=admin,
        mechanism=wg,
        number=_number(wg, d3),
        starts_at=_at(d3, 9, 0),
        place="วิทยาลัยชุมชนตราด",
        status=MeetingStatus.HELD,
        minutes="ติดตามมติ และหารือการท่องเที่ยวชุมชนเพื่อเศรษฐกิจดี",
    )
    _attend(admin, m3, seats[:9], [("ผู้ประกอบการท่องเที่ยวชุมชน", Sector.PRIVATE, 7)])
    _resolve(
        admin,
        m3,
        "พัฒนาเส้นทางท่องเที่ยวชุมชนวิถีประมงพื้นบ้าน",
        orgs["หอการค้าจังหวัดตราด"],
        today + dt.timedelta(days=6),
    )
    _resolve(
        admin,
        m3,
        "ขยายกลุ่มออมทรัพย์ชุมชนในทุกอำเภอ",
        orgs["พอช."],
        today + dt.timedelta(days=120),
        indicators=_indicators("savings-groups"),
        progress=[(d3 + dt.timedelta(days=10), "เริ่มที่ อ.คลองใหญ่ และ อ.แหลมงอบ", "in_progress")],
    )

    agenda = services.agenda_create(
        actor=admin,
        area=trat,
        fiscal_year=fiscal_year(today),
        vision="5 ดี วิถีตราด",
        description="นโยบายหลักที่คนตราดกำหนดร่วมกัน เชื่อมโยงกลไกกลางตามวิถีชีวิตของคนตราด",
        mechanism=wg,
        adopted_on=d2,
    )
    _goals(
        admin,
        agenda,
        orgs,
        [
            ("สุขภาพดี", "health", [("happiness-health", Decimal("7.6"))], ["สสจ.ตราด", "สปสช."]),
            (
                "สิ่งแวดล้อมดี",
                "environment",
                [("happiness-environment", Decimal("7.8"))],
                ["อบจ.ตราด", "เครือข่ายประมงพื้นบ้านจังหวัดตราด"],
            ),
            (
                "เศรษฐกิจดี",
                "community-economy",
                [("savings-groups", Decimal("40"))],
                ["หอการค้าจังหวัดตราด", "พอช."],
            ),
            (
                "สังคมดี",
                "community-welfare",
                [("welfare-fund-coverage", Decimal("32"))],
                ["สภาองค์กรชุมชนจังหวัดตราด", "สสส."],
            ),
            (
                "การบริหารจัดการดี",
                "participation",
                [("happiness-governance", Decimal("7.5"))],
                ["สช.", "นิด้า"],
            ),
        ],
    )


# ---------------------------------------------------------------------------------- เชียงราย

CHARTER_V1 = """หมวด 1 เจตนารมณ์
คนเชียงรายทุกภาคส่วนร่วมกันสร้าง “เชียงรายล้านนาแห่งความสุข” บนฐานวัฒนธรรมล้านนา ความรู้ และการมีส่วนร่วม

หมวด 2 สุขภาวะ
ทุกตำบลมีระบบดูแลผู้สูงอายุและผู้ป่วยติดเตียงโดยชุมชน ร่วมกับหน่วยบริการและกองทุนสุขภาพตำบล

หมวด 3 เกษตรและอาหารปลอดภัย
ลดการใช้สารเคมีในการเกษตร ส่งเสริมตลาดอาหารปลอดภัยในทุกอำเภอ

หมวด 4 การอยู่ร่วมกันและธรรมาภิบาล
ภาครัฐ ท้องถิ่น และภาคประชาชนเปิดเผยข้อมูลและร่วมกันติดตามผลทุกปี"""

CHARTER_V2_EXTRA = """

หมวด 5 การรับมือภัยพิบัติ (เพิ่มเติมหลังอุทกภัยจากพายุยางิ กันยายน 2567)
ทุกตำบลริมน้ำมีแผนเผชิญเหตุ อาสาสมัครแจ้งเตือนภัย และจุดพักพิงที่ชุมชนจัดการเอง"""


def _chiang_rai(admin: Any, orgs: _Orgs) -> None:
    area = Area.objects.get(code="57")
    if Charter.objects.filter(area=area, title=CHIANG_RAI_CHARTER).exists():
        return
    assembly = services.mechanism_create(
        actor=admin,
        area=area,
        kind=MechanismKind.HEALTH_ASSEMBLY,
        name=CHIANG_RAI_ASSEMBLY,
        description="พื้นที่กลางของคนในจังหวัดที่ขับเคลื่อนธรรมนูญของคนเชียงราย",
        term_start=dt.date(2023, 1, 1),
    )
    since = dt.date(2023, 1, 1)
    for name, org, role in (
        ("อินทร ดอยคำ", "อบจ.เชียงราย", MemberRole.CHAIR),
        ("ศรีนวล แม่จัน", "สช.", MemberRole.SECRETARY),
        ("ดร.ปวีณา เวียงชัย", "มฟล.", MemberRole.MEMBER),
        ("สมบัติ แม่สาย", "สสจ.เชียงราย", MemberRole.MEMBER),
        ("คำแปง เชียงแสน", "พอช.", MemberRole.MEMBER),
    ):
        _seat(admin, assembly, orgs, name, org, role, since=since)
    charter = services.charter_create(
        actor=admin,
        area=area,
        title=CHIANG_RAI_CHARTER,
        kind=CharterKind.PEOPLE,
        vision="เชียงรายล้านนาแห่งความสุข",
        text=CHARTER_V1,
        mechanism=assembly,
    )
    for text, owner, code in (
        ("ทุกตำบลมีระบบดูแลผู้สูงอายุระยะยาวโดยชุมชน", "สสจ.เชียงราย", "elderly-dependent"),
        ("ตลาดอาหารปลอดภัยอย่างน้อยอำเภอละ 1 แห่ง", "อบจ.เชียงราย", None),
        ("รายงานผลตามธรรมนูญต่อสาธารณะทุกปี", "สช.", "happiness-governance"),
    ):
        services.commitment_add(
            actor=admin,
            charter=charter,
            text=text,
            owner=orgs.get(owner),
            indicator=_indicator(code) if code else None,
        )
    for org, day in (
        ("อบจ.เชียงราย", dt.date(2023, 6, 24)),
        ("สช.", dt.date(2023, 6, 24)),
        ("สสส.", dt.date(2023, 6, 24)),
        ("พอช.", dt.date(2023, 6, 24)),
        ("มฟล.", dt.date(2023, 6, 24)),
    ):
        services.charter_sign(actor=admin, charter=charter, organisation=orgs[org], signed_on=day)
    services.charter_edit_text(
        actor=admin,
        charter=charter,
        text=CHARTER_V1 + CHARTER_V2_EXTRA,
        change_note="เพิ่มหมวด 5 การรับมือภัยพิบัติ หลังอุทกภัยเดือนกันยายน 2567",
    )
    services.commitment_add(
        actor=admin,
        charter=charter,
        text="ทุกตำบลริมน้ำมีแผนเผชิญเหตุและอาสาสมัครแจ้งเตือนภัย",
        owner=orgs.get("อบจ.เชียงราย"),
        indicator=_indicator("happiness-safety"),
    )
    for org in ("อบจ.เชียงราย", "สช.", "สสส.", "พอช.", "มฟล.", "สปสช.", "สพฉ.", "สสจ.เชียงราย"):
        services.charter_sign(
            actor=admin, charter=charter, organisation=orgs[org], signed_on=dt.date(2025, 3, 29)
        )


@transaction.atomic
def load_forums_demo(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the demo central spaces (idempotent). Needs the demo administrator and the demo
    organisations of ``saan.core.demo``; uses the indicator catalogue and the demo projects
    when they are there."""
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return {"mechanisms": Mechanism.objects.count()}
    today = today or bangkok_today()
    orgs = _Orgs(admin)
    _khon_kaen(admin, orgs, today)
    _trat(admin, orgs, today)
    _chiang_rai(admin, orgs)
    return {"mechanisms": Mechanism.objects.count()}
