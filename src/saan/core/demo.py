"""Demo people and organisations: a believable cast for ขอนแก่น and the pilot provinces, and a
work register for the programme's 13 provinces (``saan.projects.demo_data``).

Idempotent: running it again finds everyone already there. Every write goes through the same
services a person would use, acting as the demo administrator, so the demo's audit trail looks
like real use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from saan.areas.models import Area
from saan.forums.demo_data import load_forums_demo
from saan.funds.demo_data import load_funds_demo
from saan.indicators.demo_data import load_indicator_demo
from saan.overlaps.demo_data import load_overlaps_demo
from saan.partners import services
from saan.partners.models import Membership, Organisation, Role, Sector
from saan.plans.demo_data import load_plans_demo
from saan.projects.demo_data import load_register

DEMO_PASSWORD = "saan-demo-2568"


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str | None
    organisation: str | None  # short name or Thai name
    area: str | None  # area code; None = the whole country
    title: str
    what: str  # what the persona shows in the demo, printed at start-up


PERSONAS = [
    Persona(
        "admin",
        "วิภาวรรณ",
        "ธนากร",
        "wipawan@saan.example",
        Role.ADMIN,
        "สช.",
        None,
        "ผู้ดูแลระบบ สำนักเลขานุการภาคี",
        "ผู้ดูแลระบบ: แก้ไขกลุ่มพื้นที่ องค์กร และสิทธิ์ทั้งหมด",
    ),
    Persona(
        "prapaporn",
        "ประภาพร",
        "ศรีวงศ์",
        "prapaporn@saan.example",
        Role.COORDINATOR,
        "สช.",
        "40",
        "ผู้ประสานงานภาคีสานพลังจังหวัดขอนแก่น",
        "ผู้ประสานงานจังหวัดขอนแก่น: เห็นทุกอย่างใน จ.ขอนแก่น และจัดการสมาชิก",
    ),
    Persona(
        "somchai",
        "สมชาย",
        "ใจดี",
        "somchai@saan.example",
        Role.EDITOR,
        "พอช.",
        "40",
        "เจ้าหน้าที่ประสานงานภาคอีสาน",
        "ผู้บันทึกข้อมูลของ พอช. ใน จ.ขอนแก่น",
    ),
    Persona(
        "malee",
        "มาลี",
        "ศรีสุข",
        "malee@saan.example",
        Role.VIEWER,
        "สสส.",
        None,
        "นักวิชาการ สำนักสนับสนุนสุขภาวะชุมชน",
        "ผู้ดูข้อมูลของ สสส. ทั่วประเทศ",
    ),
    Persona(
        "boonmee",
        "บุญมี",
        "แก้วประเสริฐ",
        "boonmee@saan.example",
        Role.EDITOR,
        "สภาองค์กรชุมชนตำบลสาวะถี",
        "400108",
        "อาสาสมัครข้อมูลตำบล",
        "อาสาสมัครข้อมูล ต.สาวะถี (บันทึกข้อมูลของสภาองค์กรชุมชนตำบล)",
    ),
    Persona(
        "niran",
        "นิรันดร์",
        "ทองดี",
        "niran@saan.example",
        None,
        None,
        None,
        "",
        "ยังไม่สังกัดองค์กรใด: เห็นเฉพาะข้อมูลสาธารณะ",
    ),
]

# Local and regional organisations (sector, Thai name, English name, short name, home area, parent).
ORGANISATIONS = [
    (
        Sector.NATIONAL_AGENCY,
        "สำนักงานหลักประกันสุขภาพแห่งชาติ เขต 7 ขอนแก่น",
        "NHSO Region 7 Khon Kaen",
        "สปสช. เขต 7",
        "40",
        "สปสช.",
    ),
    (
        Sector.NATIONAL_AGENCY,
        "สำนักงานภาคตะวันออกเฉียงเหนือ สถาบันพัฒนาองค์กรชุมชน",
        "CODI Northeastern Regional Office",
        "พอช. ภาคอีสาน",
        "40",
        "พอช.",
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "องค์การบริหารส่วนจังหวัดขอนแก่น",
        "Khon Kaen Provincial Administrative Organisation",
        "อบจ.ขอนแก่น",
        "40",
        None,
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "เทศบาลตำบลสาวะถี",
        "Sawathi Subdistrict Municipality",
        "ทต.สาวะถี",
        "400108",
        None,
    ),
    (
        Sector.GOVERNMENT_OFFICE,
        "สำนักงานสาธารณสุขจังหวัดขอนแก่น",
        "Khon Kaen Provincial Public Health Office",
        "สสจ.ขอนแก่น",
        "40",
        None,
    ),
    (
        Sector.GOVERNMENT_OFFICE,
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดขอนแก่น",
        "Khon Kaen Provincial Social Development and Human Security Office",
        "พมจ.ขอนแก่น",
        "40",
        None,
    ),
    (Sector.ACADEMIC, "มหาวิทยาลัยขอนแก่น", "Khon Kaen University", "มข.", "4001", None),
    (Sector.PRIVATE, "หอการค้าจังหวัดขอนแก่น", "Khon Kaen Chamber of Commerce", "", "40", None),
    (
        Sector.CIVIL_SOCIETY,
        "เครือข่ายประชาสังคมจังหวัดขอนแก่น",
        "Khon Kaen Civil Society Network",
        "",
        "40",
        None,
    ),
    (
        Sector.COMMUNITY,
        "สภาองค์กรชุมชนตำบลสาวะถี",
        "Sawathi Community Organisation Council",
        "",
        "400108",
        None,
    ),
    (
        Sector.MEDIA,
        "สถานีวิทยุกระจายเสียงแห่งประเทศไทย จังหวัดขอนแก่น",
        "Radio Thailand Khon Kaen",
        "สวท.ขอนแก่น",
        "40",
        None,
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "องค์การบริหารส่วนจังหวัดเชียงราย",
        "Chiang Rai Provincial Administrative Organisation",
        "อบจ.เชียงราย",
        "57",
        None,
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "องค์การบริหารส่วนจังหวัดนครสวรรค์",
        "Nakhon Sawan Provincial Administrative Organisation",
        "อบจ.นครสวรรค์",
        "60",
        None,
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "องค์การบริหารส่วนจังหวัดตราด",
        "Trat Provincial Administrative Organisation",
        "อบจ.ตราด",
        "23",
        None,
    ),
    (
        Sector.LOCAL_GOVERNMENT,
        "องค์การบริหารส่วนจังหวัดพัทลุง",
        "Phatthalung Provincial Administrative Organisation",
        "อบจ.พัทลุง",
        "93",
        None,
    ),
    (
        Sector.COMMUNITY,
        "สภาองค์กรชุมชนจังหวัดตราด",
        "Trat Provincial Community Organisation Council",
        "",
        "23",
        None,
    ),
    (Sector.ACADEMIC, "มหาวิทยาลัยแม่ฟ้าหลวง", "Mae Fah Luang University", "มฟล.", "57", None),
    (Sector.ACADEMIC, "มหาวิทยาลัยทักษิณ", "Thaksin University", "มทษ.", "93", None),
]


def _org(name: str) -> Organisation:
    return (
        Organisation.objects.get(short_name=name)
        if Organisation.objects.filter(short_name=name).exists()
        else Organisation.objects.get(name_th=name)
    )


@transaction.atomic
def load_demo(say: Callable[[str], None] | None = None) -> list[Persona]:
    """Create the demo cast (idempotent). Needs ``load_areas`` and ``load_reference`` first."""
    User = get_user_model()
    admin_spec = PERSONAS[0]
    admin, made = User.objects.get_or_create(
        username=admin_spec.username,
        defaults={
            "first_name": admin_spec.first_name,
            "last_name": admin_spec.last_name,
            "email": admin_spec.email,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if made:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    existing = set(Organisation.objects.values_list("name_th", flat=True))
    for sector, name_th, name_en, short, home, parent in ORGANISATIONS:
        if name_th in existing:
            continue
        services.organisation_create(
            actor=admin,
            name_th=name_th,
            name_en=name_en,
            short_name=short,
            sector=sector,
            home_area=Area.objects.get(code=home),
            parent=_org(parent) if parent else None,
        )
    for p in PERSONAS:
        user = User.objects.filter(username=p.username).first()
        if user is None:
            user = services.person_create(
                actor=admin,
                username=p.username,
                email=p.email,
                first_name=p.first_name,
                last_name=p.last_name,
                area_code=p.area or "",
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if p.role is None:
            continue
        org = _org(p.organisation) if p.organisation else None
        area = Area.objects.get(code=p.area) if p.area else None
        if not Membership.objects.filter(
            user=user, role=p.role, organisation=org, area=area
        ).exists():
            services.membership_create(
                actor=admin, user=user, role=p.role, organisation=org, area=area, title=p.title
            )
    tell = say or (lambda _message: None)
    tell("ทะเบียนงานของ 13 จังหวัด / the work register (1/6)")
    load_register(actor=admin)
    tell("ข้อมูลตัวชี้วัดทุกตำบลและการรวมค่า / indicator values and roll-ups (2/6)")
    load_indicator_demo(admin)
    tell("พื้นที่กลางของขอนแก่น ตราด เชียงราย / the central spaces (3/6)")
    load_forums_demo()
    tell("งานซ้ำซ้อนและช่องว่าง / overlaps and gaps (4/6)")
    load_overlaps_demo(admin)
    tell("แผนร่วมและการร่วมลงทุน / joint plans and co-investment (5/6)")
    load_plans_demo(admin)
    tell("กองทุนชุมชน / community funds (6/6)")
    load_funds_demo(admin)
    return PERSONAS


def describe(personas: list[Persona]) -> list[dict[str, Any]]:
    return [
        {"username": p.username, "name": f"{p.first_name} {p.last_name}", "what": p.what}
        for p in personas
    ]
