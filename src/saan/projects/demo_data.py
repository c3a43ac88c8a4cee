"""A believable work register for the programme's 13 provinces, for the demo.

What it holds, and why:

- 15–40 projects per province (ขอนแก่น, the showcase, has 40) from the nine strategic partners
  and from local organisations: the อบจ., the provincial health office, and for a few active
  subdistricts a municipality or อบต., a community-organisation council (สภาองค์กรชุมชนตำบล)
  and a local health fund. Local organisations are made through ``organisation_create``.
- Work of the kinds the seeds name (home care for dependent older people, crab banks, living
  weirs, บ้านมั่นคง, community welfare funds, tree banks, organic farming, TPMAP data checks,
  flood prevention …), at subdistrict, district and province level, in ปีงบประมาณ 2567–2569,
  with budgets in baht, target groups and statuses that agree with the dates.
- Work genuinely done twice: the same activity in the same subdistrict in the same months by
  different organisations under different wording (``OVERLAPS``), the thing the register
  exists to show. Most subdistricts have no project at all, which is the other thing.

Deterministic: every random choice comes from a generator seeded with the province or area
code, so the same database gets the same register. Idempotent: a project whose owner already
has its ``ref_code`` is skipped. Statuses and budget stages are as of ``AS_OF`` (a date inside
ปีงบประมาณ 2569), not today, so the register does not drift as the calendar moves.

Every project goes through ``services.project_create`` as the demo administrator, so the
audit trail has a row for each, as if someone had typed them in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from saan.areas.models import Area, Level
from saan.core.thai import fiscal_year, fiscal_year_range
from saan.partners import services as partner_services
from saan.partners.models import Organisation, Sector
from saan.projects import services
from saan.projects.models import OrgRole, Project, Stage, Status, TargetGroup, Theme, Visibility

AS_OF = dt.date(2026, 1, 15)  # statuses and budget stages as they stood then (ปีงบ 2569)
FIRST_FY, LAST_FY = 2567, 2569
PROVINCES = ("57", "60", "23", "40", "93", "65", "13", "72", "38", "36", "34", "81", "10")
SHOWCASE = "40"
COASTAL = frozenset({"23", "81"})  # where a crab bank makes sense
BANGKOK = "10"

# Reference codes the partners would use on their own lists.
PARTNER_PREFIX = {
    "สสส.": "THF",
    "พอช.": "CODI",
    "สปสช.": "NHSO",
    "สช.": "NHCO",
    "สวรส.": "HSRI",
    "บพท.": "PMUA",
    "นิด้า": "NIDA",
    "สพฉ.": "NIEMS",
    "สรพ.": "HA",
}

# Local owners, resolved per province or subdistrict: the อบจ. (Bangkok: กทม.), the provincial
# health office, and in an active subdistrict its local government, community council and
# local health fund.
PAO, PHO, LOCAL_GOV, COUNCIL, FUND = "@pao", "@pho", "@local", "@council", "@fund"
SUBDISTRICT_OWNERS = frozenset({LOCAL_GOV, COUNCIL, FUND})


def _rng(*parts: object) -> random.Random:
    # Seeded for repeatability, not secrecy: the demo must come out the same every time.
    return random.Random("saan-demo:" + ":".join(map(str, parts)))  # noqa: S311


# --------------------------------------------------------------------------- kinds of work


@dataclass(frozen=True)
class Kind:
    """A kind of project, with the ways people title it. ``{place}`` is the area as Thai
    writing names it (ต.บ้านเป็ด, ตำบลบ้านเป็ด, อ.เมืองขอนแก่น, จังหวัดขอนแก่น), ``{fy}`` the
    fiscal year."""

    key: str
    titles: tuple[str, ...]
    summary: str
    themes: tuple[str, ...]
    owners: tuple[str, ...]
    level: str  # subdistrict, district or province
    budget: tuple[int, int]  # baht, per project
    months: tuple[int, int]
    targets: tuple[tuple[str, int, int], ...] = ()
    funders: tuple[str, ...] = ()
    only: frozenset[str] | None = None  # provinces where this kind happens
    not_in: frozenset[str] = frozenset()
    weight: int = 2
    rural: bool = False  # headwaters and forests: not in a province's เมือง district


RURAL = frozenset({BANGKOK, "13"})

KINDS: tuple[Kind, ...] = (
    Kind(
        "ltc",
        (
            "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน {place}",
            "โครงการดูแลผู้สูงอายุติดเตียงระยะยาว {place} ปีงบ {fy}",
            "พัฒนาระบบการดูแลระยะยาว (Long Term Care) สำหรับผู้สูงอายุ {place}",
            "อบรมผู้ดูแลผู้สูงอายุ (Caregiver) และเยี่ยมบ้านผู้ป่วยติดเตียง {place}",
        ),
        "อาสาสมัครบริบาลและผู้ดูแลผู้สูงอายุเยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิงตามแผนการดูแลรายบุคคล "
        "ร่วมกับ รพ.สต. และครอบครัวใน{place}",
        ("ageing", "health"),
        (FUND, "สสส.", LOCAL_GOV, "สปสช."),
        Level.SUBDISTRICT,
        (80_000, 650_000),
        (6, 12),
        (("dependent-elderly", 20, 90), ("bedridden", 8, 45)),
        funders=("สปสช.",),
        weight=5,
    ),
    Kind(
        "elder-school",
        ("โรงเรียนผู้สูงอายุ {place}", "ชมรมผู้สูงอายุสุขภาพดี เรียนรู้ตลอดชีวิต {place}"),
        "หลักสูตรโรงเรียนผู้สูงอายุเดือนละสองครั้ง เน้นสุขภาพกายใจ การออม และภูมิปัญญาท้องถิ่น",
        ("ageing",),
        (LOCAL_GOV, "สสส.", COUNCIL),
        Level.SUBDISTRICT,
        (50_000, 220_000),
        (6, 10),
        (("age-60-plus", 40, 180),),
        weight=3,
    ),
    Kind(
        "crab-bank",
        ("ธนาคารปูม้าชุมชน {place}", "อนุรักษ์และเพาะฟักพันธุ์ปูม้าคืนสู่ทะเล {place}"),
        "กลุ่มประมงพื้นบ้านรับฝากแม่ปูไข่นอกกระดองเพื่อเพาะฟักและปล่อยลูกปูคืนทะเล ฟื้นฟูทรัพยากรชายฝั่งใน{place}",
        ("environment", "community-economy"),
        ("พอช.", LOCAL_GOV, "บพท.", COUNCIL),
        Level.SUBDISTRICT,
        (60_000, 320_000),
        (8, 12),
        (("households", 25, 120),),
        only=COASTAL,
        weight=4,
    ),
    Kind(
        "living-weir",
        ("ฝายมีชีวิตฟื้นฟูลำห้วยต้นน้ำ {place}", "สร้างฝายชะลอน้ำแบบมีชีวิต {place}"),
        "ชุมชนร่วมสร้างฝายมีชีวิตจากไม้ไผ่และกระสอบทราย เก็บน้ำไว้ใช้หน้าแล้งและคืนความชุ่มชื้นแก่ป่าต้นน้ำ",
        ("water", "environment"),
        ("สสส.", COUNCIL, LOCAL_GOV, "พอช."),
        Level.SUBDISTRICT,
        (50_000, 280_000),
        (3, 8),
        (("households", 40, 250),),
        not_in=RURAL,
        rural=True,
        weight=3,
    ),
    Kind(
        "secure-housing",
        (
            "บ้านมั่นคงชนบท {place}",
            "พัฒนาที่อยู่อาศัยผู้มีรายได้น้อย (บ้านมั่นคง) {place}",
        ),
        "สหกรณ์เคหสถานและกลุ่มออมทรัพย์ของชุมชนวางผังและซ่อมสร้างบ้านร่วมกัน ด้วยสินเชื่อและงบอุดหนุนสาธารณูปโภค",
        ("housing", "poverty"),
        ("พอช.",),
        Level.SUBDISTRICT,
        (500_000, 5_000_000),
        (12, 24),
        (("households", 15, 120),),
        weight=3,
    ),
    Kind(
        "home-repair",
        (
            "ซ่อมสร้างบ้านผู้ยากไร้ ผู้สูงอายุ และคนพิการ {place}",
            "ปรับปรุงที่อยู่อาศัยผู้สูงอายุให้ปลอดภัย {place}",
        ),
        "ช่างชุมชนและจิตอาสาซ่อมหลังคา ห้องน้ำ และทางลาด ให้บ้านของผู้สูงอายุและคนพิการที่มีรายได้น้อย",
        ("housing", "ageing"),
        (PAO, LOCAL_GOV, "พอช."),
        Level.SUBDISTRICT,
        (100_000, 1_500_000),
        (6, 12),
        (("households", 5, 60),),
        weight=2,
    ),
    Kind(
        "welfare-fund",
        ("กองทุนสวัสดิการชุมชน {place}", "ขยายสมาชิกและสวัสดิการ กองทุนสวัสดิการชุมชน {place}"),
        "สมาชิกออมวันละบาทเป็นสวัสดิการเกิด แก่ เจ็บ ตาย สมทบโดยท้องถิ่นและรัฐ",
        ("community-welfare",),
        (COUNCIL, "พอช.", LOCAL_GOV),
        Level.SUBDISTRICT,
        (50_000, 400_000),
        (10, 12),
        (("households", 150, 900),),
        funders=("พอช.",),
        weight=4,
    ),
    Kind(
        "tree-bank",
        ("ธนาคารต้นไม้ {place}", "ปลูกต้นไม้ใช้หนี้ ธนาคารต้นไม้ชุมชน {place}"),
        "สมาชิกปลูกไม้มีค่าในที่ดินของตนและขึ้นทะเบียนเป็นทรัพย์สิน ใช้ค้ำประกันและสร้างรายได้ระยะยาว",
        ("environment", "community-economy", "land"),
        ("สสส.", COUNCIL, "บพท."),
        Level.SUBDISTRICT,
        (50_000, 200_000),
        (8, 12),
        (("households", 30, 200),),
        not_in=RURAL,
        rural=True,
        weight=2,
    ),
    Kind(
        "organic",
        (
            "ยกระดับเกษตรอินทรีย์และตลาดสีเขียว {place}",
            "ส่งเสริมการปลูกผักปลอดสารพิษเพื่อความมั่นคงทางอาหาร {place}",
            "เกษตรอินทรีย์วิถีชุมชน {place}",
        ),
        "เกษตรกรเปลี่ยนสู่การผลิตอินทรีย์ รับรองแบบมีส่วนร่วม (PGS) และขายตรงในตลาดเขียวของโรงพยาบาลและโรงเรียน",
        ("agriculture-food", "community-economy"),
        ("บพท.", "สสส.", PAO, LOCAL_GOV),
        Level.SUBDISTRICT,
        (100_000, 800_000),
        (8, 12),
        (("farmers", 20, 150),),
        not_in=frozenset({BANGKOK}),
        weight=4,
    ),
    Kind(
        "tpmap",
        (
            "สอบทานข้อมูลคนจนเป้าหมาย TPMAP และแผนแก้จนรายครัวเรือน {place}",
            "ข้อมูลคนจนเป้าหมาย TPMAP สอบทาน {place}",
            "สำรวจและยืนยันข้อมูลครัวเรือนยากจน (TPMAP) เพื่อแผนแก้จน{place}",
        ),
        "ผู้นำชุมชนและอาสาสมัครสอบทานรายชื่อคนจนเป้าหมายจาก TPMAP ลงพื้นที่ยืนยันรายครัวเรือน "
        "และส่งต่อความช่วยเหลือตามปัญหา",
        ("poverty", "data-research"),
        ("บพท.", "นิด้า", PAO),
        Level.PROVINCE,
        (500_000, 3_000_000),
        (10, 18),
        (("target-poor", 800, 6_000), ("households", 800, 6_000)),
        weight=2,
    ),
    Kind(
        "flood",
        (
            "ป้องกันและบรรเทาน้ำท่วมชุมชน {place}",
            "แผนเผชิญเหตุอุทกภัยและระบบเตือนภัยล่วงหน้าระดับชุมชน {place}",
        ),
        "ขุดลอกทางน้ำ จัดทำแผนที่เสี่ยงภัย ซ้อมแผนอพยพ และตั้งทีมกู้ภัยอาสาประจำชุมชน",
        ("disaster", "water"),
        (PAO, "สพฉ.", LOCAL_GOV),
        Level.DISTRICT,
        (300_000, 5_000_000),
        (6, 12),
        (("households", 200, 3_000),),
        weight=3,
    ),
    Kind(
        "ems",
        ("พัฒนาระบบการแพทย์ฉุกเฉินระดับอำเภอ {place}", "อาสาฉุกเฉินชุมชน (อฉช.) {place}"),
        "อบรมอาสาฉุกเฉินชุมชน จัดระบบรับแจ้งเหตุ 1669 และรถกู้ชีพของท้องถิ่นให้ครอบคลุมทุกตำบล",
        ("health", "disaster"),
        ("สพฉ.", PAO),
        Level.DISTRICT,
        (200_000, 1_500_000),
        (6, 12),
        (("communities", 10, 40),),
        funders=("สพฉ.",),
        weight=2,
    ),
    Kind(
        "ha",
        (
            "พัฒนาคุณภาพโรงพยาบาลชุมชนสู่การรับรอง HA {place}",
            "เครือข่ายคุณภาพบริการสุขภาพปฐมภูมิ {place}",
        ),
        "โรงพยาบาลชุมชนและ รพ.สต. ในเครือข่ายทบทวนความเสี่ยงและพัฒนามาตรฐานบริการร่วมกัน",
        ("health",),
        ("สรพ.", PHO),
        Level.DISTRICT,
        (150_000, 800_000),
        (8, 12),
        weight=2,
    ),
    Kind(
        "health-charter",
        ("จัดทำธรรมนูญสุขภาพ {place}", "ทบทวนธรรมนูญสุขภาพ{place}"),
        "เวทีประชาคมทุกหมู่บ้านร่วมเขียนกติกาสุขภาพของตำบล และติดตามผลทุกปี",
        ("health", "participation"),
        ("สช.", LOCAL_GOV),
        Level.SUBDISTRICT,
        (50_000, 150_000),
        (4, 9),
        (("communities", 5, 20),),
        weight=3,
    ),
    Kind(
        "assembly",
        ("สมัชชาสุขภาพ{place} ปี {fy}", "เวทีสมัชชาสุขภาพและวาระร่วม{place}"),
        "สมัชชาสุขภาพระดับจังหวัดกำหนดวาระร่วมของปี ติดตามมติ และเชื่อมข้อเสนอสู่แผนของหน่วยงาน",
        ("participation", "health"),
        ("สช.",),
        Level.PROVINCE,
        (300_000, 1_000_000),
        (6, 12),
        weight=1,
    ),
    Kind(
        "primary-care-research",
        (
            "วิจัยระบบบริการปฐมภูมิและหน่วยบริการใกล้บ้าน {place}",
            "ประเมินผลการถ่ายโอน รพ.สต. สู่ อบจ. {place}",
        ),
        "ศึกษาผลลัพธ์ด้านการเข้าถึงบริการ กำลังคน และงบประมาณ เพื่อเสนอทางเลือกเชิงนโยบาย",
        ("health", "data-research"),
        ("สวรส.",),
        Level.PROVINCE,
        (500_000, 2_500_000),
        (12, 18),
        weight=1,
    ),
    Kind(
        "social-innovation",
        (
            "นวัตกรรมสังคมเพื่อชุมชนเข้มแข็ง {place}",
            "ถอดบทเรียนและประเมินความเข้มแข็งของชุมชน {place}",
        ),
        "ทีมวิจัยร่วมกับผู้นำชุมชนพัฒนาเครื่องมือวัดความเข้มแข็งและถอดบทเรียนพื้นที่ต้นแบบ",
        ("data-research", "participation"),
        ("นิด้า",),
        Level.PROVINCE,
        (800_000, 3_000_000),
        (12, 18),
        weight=1,
    ),
    Kind(
        "early-childhood",
        (
            "ศูนย์พัฒนาเด็กเล็กปลอดภัยและส่งเสริมพัฒนาการสมวัย {place}",
            "ส่งเสริมพัฒนาการเด็กปฐมวัยด้วยการเล่นและการอ่าน {place}",
        ),
        "ครูพี่เลี้ยงและผู้ปกครองคัดกรองพัฒนาการ จัดมุมเล่นและมุมหนังสือ และเยี่ยมบ้านเด็กกลุ่มเสี่ยง",
        ("children-youth",),
        (LOCAL_GOV, "สสส."),
        Level.SUBDISTRICT,
        (50_000, 300_000),
        (6, 12),
        (("age-0-5", 30, 160),),
        weight=2,
    ),
    Kind(
        "youth",
        ("เยาวชนรักษ์ถิ่น {place}", "สภาเด็กและเยาวชนกับการพัฒนาชุมชน {place}"),
        "เยาวชนสำรวจปัญหาในชุมชน ทำโครงการเล็กของตนเอง และนำเสนอต่อสภาท้องถิ่น",
        ("children-youth", "participation"),
        ("สสส.", LOCAL_GOV, COUNCIL),
        Level.SUBDISTRICT,
        (50_000, 250_000),
        (5, 10),
        (("age-6-18", 30, 150),),
        weight=2,
    ),
    Kind(
        "ncd",
        (
            "ลดเสี่ยงโรคเบาหวานและความดันโลหิตสูงในชุมชน {place}",
            "ชุมชนลดหวาน มัน เค็ม {place}",
        ),
        "คัดกรองกลุ่มเสี่ยง ตั้งกลุ่มปรับพฤติกรรม และติดตามค่าน้ำตาลและความดันทุกเดือน",
        ("health",),
        ("สสส.", FUND, PHO),
        Level.SUBDISTRICT,
        (50_000, 300_000),
        (6, 12),
        (("age-19-59", 60, 400),),
        funders=("สปสช.",),
        weight=3,
    ),
    Kind(
        "disability",
        ("ฟื้นฟูสมรรถภาพคนพิการโดยชุมชน {place}", "ปรับสภาพบ้านและกายอุปกรณ์สำหรับคนพิการ {place}"),
        "อาสาสมัครและนักกายภาพบำบัดเยี่ยมบ้าน ปรับสภาพบ้านให้ปลอดภัย และจัดหากายอุปกรณ์",
        ("health", "community-welfare"),
        (FUND, LOCAL_GOV, "สปสช."),
        Level.SUBDISTRICT,
        (50_000, 350_000),
        (6, 12),
        (("disabled", 10, 80),),
        funders=("สปสช.",),
        weight=2,
    ),
    Kind(
        "community-enterprise",
        (
            "ยกระดับวิสาหกิจชุมชนและผลิตภัณฑ์ท้องถิ่น {place}",
            "เศรษฐกิจฐานรากจากทุนทางวัฒนธรรม {place}",
        ),
        "กลุ่มอาชีพพัฒนาผลิตภัณฑ์ บรรจุภัณฑ์ และช่องทางขายออนไลน์ โดยมีมหาวิทยาลัยในพื้นที่เป็นพี่เลี้ยง",
        ("community-economy",),
        ("บพท.", PAO, "พอช."),
        Level.DISTRICT,
        (100_000, 1_200_000),
        (8, 12),
        (("households", 30, 300),),
        weight=3,
    ),
    Kind(
        "land",
        ("จัดการที่ดินทำกินและโฉนดชุมชน {place}", "แก้ปัญหาที่ดินทำกินโดยชุมชน {place}"),
        "สำรวจการถือครอง ทำแผนที่แปลงที่ดิน และเจรจาร่วมกับหน่วยงานเพื่อความมั่นคงในที่ดิน",
        ("land", "poverty"),
        ("พอช.", COUNCIL),
        Level.SUBDISTRICT,
        (80_000, 600_000),
        (8, 14),
        (("households", 20, 200),),
        not_in=frozenset({BANGKOK}),
        weight=2,
    ),
    Kind(
        "community-forest",
        ("ป่าชุมชนและแนวกันไฟ {place}", "ฟื้นฟูป่าชุมชนลดหมอกควัน {place}"),
        "คณะกรรมการป่าชุมชนทำแนวกันไฟ ลาดตระเวน และปลูกเสริมพันธุ์ไม้ท้องถิ่น",
        ("environment", "disaster"),
        ("สสส.", COUNCIL, LOCAL_GOV),
        Level.SUBDISTRICT,
        (50_000, 250_000),
        (4, 8),
        (("communities", 3, 15),),
        not_in=RURAL,
        rural=True,
        weight=2,
    ),
    Kind(
        "tambon-data",
        (
            "ระบบข้อมูลตำบลเพื่อการวางแผนพัฒนา {place}",
            "เชื่อมข้อมูลตำบลกับแพลตฟอร์มข้อมูลจังหวัด {place}",
        ),
        "อาสาสมัครข้อมูลเก็บและปรับข้อมูลครัวเรือน ทุนชุมชน และปัญหาสำคัญ ใช้ทำแผนพัฒนาตำบล",
        ("data-research", "participation"),
        ("บพท.", "นิด้า", LOCAL_GOV),
        Level.SUBDISTRICT,
        (80_000, 400_000),
        (6, 12),
        (("households", 300, 2_500),),
        weight=2,
    ),
)
KIND = {k.key: k for k in KINDS}


# ------------------------------------------------------------------ the overlaps, on purpose


@dataclass(frozen=True)
class Planned:
    """One hand-written project. ``owner`` is a partner's short name or a local owner key
    (``@local``, ``@fund`` … of ``area``), ``amount`` the whole budget."""

    key: str
    owner: str
    title: str
    area: str
    start: dt.date
    end: dt.date
    themes: tuple[str, ...]
    amount: int
    targets: tuple[tuple[str, int], ...] = ()
    funder: str | None = None
    implementer: str | None = None
    summary: str = ""
    visibility: str = Visibility.ALLIANCE


D = dt.date
OVERLAPS: dict[str, tuple[Planned, ...]] = {
    "40": (
        # สสส. and the local health fund (money of สปสช.) both visit the same bedridden elders.
        Planned(
            "ban-pet-thf-68",
            "สสส.",
            "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
            "400115",
            D(2024, 11, 1),
            D(2025, 9, 30),
            ("ageing", "health"),
            350_000,
            (("dependent-elderly", 60),),
            implementer=COUNCIL,
            summary="อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิงสัปดาห์ละครั้ง พร้อมอบรมญาติผู้ดูแล",
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "ban-pet-fund-68",
            FUND,
            "โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลบ้านเป็ด ปีงบ 2568",
            "400115",
            D(2024, 10, 1),
            D(2025, 9, 30),
            ("ageing",),
            420_000,
            (("bedridden", 45), ("dependent-elderly", 70)),
            funder="สปสช.",
            summary="Care manager และ caregiver ดูแลผู้ป่วยติดเตียงตาม care plan "
            "งบ LTC จากกองทุนหลักประกันสุขภาพ",
        ),
        Planned(
            "ban-pet-thf-69",
            "สสส.",
            "บ้านเป็ดเมืองผู้สูงวัยสุขภาพดี ระยะที่ 2",
            "400115",
            D(2025, 11, 1),
            D(2026, 9, 30),
            ("ageing",),
            480_000,
            (("dependent-elderly", 80), ("age-60-plus", 400)),
            implementer=COUNCIL,
            summary="ต่อยอดระบบเยี่ยมบ้านผู้สูงวัยพึ่งพิงและตั้งศูนย์ฟื้นฟูในชุมชน",
        ),
        Planned(
            "ban-pet-fund-69",
            FUND,
            "ดูแลระยะยาวด้านสาธารณสุขสำหรับผู้สูงอายุที่มีภาวะพึ่งพิง (LTC) ต.บ้านเป็ด ปีงบประมาณ 2569",
            "400115",
            D(2025, 10, 1),
            D(2026, 9, 30),
            ("ageing", "health"),
            460_000,
            (("bedridden", 50), ("dependent-elderly", 75)),
            funder="สปสช.",
        ),
        Planned(
            "sawathi-charter",
            "สช.",
            "ทบทวนธรรมนูญสุขภาพตำบลสาวะถี",
            "400108",
            D(2025, 1, 1),
            D(2025, 8, 31),
            ("health", "participation"),
            120_000,
            (("communities", 17),),
            implementer=LOCAL_GOV,
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "sawathi-welfare",
            COUNCIL,
            "ขยายสมาชิกกองทุนสวัสดิการชุมชนตำบลสาวะถี",
            "400108",
            D(2025, 10, 1),
            D(2026, 9, 30),
            ("community-welfare",),
            180_000,
            (("households", 650),),
            funder="พอช.",
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "sawathi-learning",
            LOCAL_GOV,
            "ศูนย์เรียนรู้การจัดการตนเอง เทศบาลตำบลสาวะถี",
            "400108",
            D(2024, 10, 1),
            D(2026, 9, 30),
            ("participation", "community-economy"),
            900_000,
            (("communities", 12),),
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "ban-wa-housing",
            "พอช.",
            "บ้านมั่นคงชนบท ตำบลบ้านหว้า",
            "400109",
            D(2024, 12, 1),
            D(2026, 5, 31),
            ("housing", "poverty"),
            2_400_000,
            (("households", 48),),
        ),
    ),
    "23": (
        Planned(
            "laem-klat-codi",
            "พอช.",
            "ธนาคารปูม้าชุมชนบ้านแหลมกลัด ต.แหลมกลัด",
            "230114",
            D(2024, 12, 1),
            D(2025, 9, 30),
            ("environment", "community-economy"),
            240_000,
            (("households", 60),),
            implementer=COUNCIL,
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "laem-klat-local",
            LOCAL_GOV,
            "อนุรักษ์และเพาะฟักพันธุ์ปูม้าคืนสู่ทะเล ตำบลแหลมกลัด",
            "230114",
            D(2025, 2, 1),
            D(2025, 8, 31),
            ("environment",),
            150_000,
            (("households", 45),),
        ),
    ),
    "57": (
        Planned(
            "mae-yao-thf",
            "สสส.",
            "ฝายมีชีวิตฟื้นฟูลำห้วยต้นน้ำ ต.แม่ยาว",
            "570106",
            D(2024, 12, 1),
            D(2025, 6, 30),
            ("water", "environment"),
            180_000,
            (("households", 210),),
            implementer=COUNCIL,
        ),
        Planned(
            "mae-yao-local",
            LOCAL_GOV,
            "สร้างฝายชะลอน้ำแบบมีชีวิต บ้านห้วยแม่ซ้าย ตำบลแม่ยาว",
            "570106",
            D(2025, 1, 15),
            D(2025, 5, 31),
            ("water",),
            95_000,
            (("households", 130),),
        ),
    ),
    "93": (
        Planned(
            "lam-pam-pmua",
            "บพท.",
            "ยกระดับเกษตรอินทรีย์และตลาดสีเขียว ต.ลำปำ",
            "930109",
            D(2025, 10, 1),
            D(2026, 9, 30),
            ("agriculture-food", "community-economy"),
            650_000,
            (("farmers", 80),),
        ),
        Planned(
            "lam-pam-thf",
            "สสส.",
            "ส่งเสริมการปลูกผักปลอดสารพิษเพื่อความมั่นคงทางอาหาร ตำบลลำปำ",
            "930109",
            D(2025, 11, 1),
            D(2026, 8, 31),
            ("agriculture-food", "health"),
            220_000,
            (("farmers", 45), ("households", 120)),
            implementer=COUNCIL,
        ),
    ),
    "60": (
        Planned(
            "nsw-tpmap-pmua",
            "บพท.",
            "สอบทานข้อมูลคนจนเป้าหมาย TPMAP และแผนแก้จนรายครัวเรือน จังหวัดนครสวรรค์",
            "60",
            D(2024, 10, 1),
            D(2026, 3, 31),
            ("poverty", "data-research"),
            2_800_000,
            (("target-poor", 5_200),),
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "nsw-tpmap-nida",
            "นิด้า",
            "สำรวจและยืนยันข้อมูลครัวเรือนยากจน (TPMAP) เพื่อแผนแก้จนจังหวัดนครสวรรค์",
            "60",
            D(2025, 10, 1),
            D(2026, 9, 30),
            ("poverty",),
            1_500_000,
            (("target-poor", 4_800),),
        ),
    ),
    "10": (
        Planned(
            "bon-kai-codi",
            "พอช.",
            "บ้านมั่นคงชุมชนบ่อนไก่ แขวงลุมพินี",
            "100704",
            D(2024, 10, 1),
            D(2026, 6, 30),
            ("housing", "poverty"),
            4_800_000,
            (("households", 120),),
            visibility=Visibility.PUBLIC,
        ),
        Planned(
            "bon-kai-bma",
            PAO,
            "ปรับปรุงที่อยู่อาศัยผู้มีรายได้น้อย ชุมชนบ่อนไก่ เขตปทุมวัน",
            "100704",
            D(2025, 3, 1),
            D(2025, 12, 31),
            ("housing",),
            1_200_000,
            (("households", 60),),
        ),
    ),
}
# Subdistricts that get a local government, a community council and a health fund, first in
# line for subdistrict work: the overlaps' own, then more chosen at random.
ACTIVE: dict[str, tuple[str, ...]] = {
    "40": ("400115", "400108", "400109"),
    "23": ("230114",),
    "57": ("570106",),
    "93": ("930109",),
    "10": ("100704",),
}
# Names that do not follow the rule (a town municipality, organisations the demo already has).
LOCAL_GOV_NAMES = {
    "400115": ("เทศบาลเมืองบ้านเป็ด", "ทม.บ้านเป็ด", Sector.LOCAL_GOVERNMENT),
    "400108": ("เทศบาลตำบลสาวะถี", "ทต.สาวะถี", Sector.LOCAL_GOVERNMENT),
}


# ------------------------------------------------------------------- local organisations


@dataclass
class Locals:
    pao: Organisation
    pho: Organisation
    by_area: dict[str, dict[str, Organisation]] = field(default_factory=dict)


class _Orgs:
    """Finds an organisation by Thai name, or creates it through the service (audited)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.by_name = {o.name_th: o for o in Organisation.objects.all()}
        self.partners = {o.short_name: o for o in self.by_name.values() if o.is_strategic_partner}
        self.created = 0

    def get(
        self,
        name_th: str,
        *,
        short: str = "",
        sector: str,
        home: Area,
        name_en: str = "",
        parent: Organisation | None = None,
    ) -> Organisation:
        org = self.by_name.get(name_th)
        if org is None:
            org = partner_services.organisation_create(
                actor=self.actor,
                name_th=name_th,
                name_en=name_en,
                short_name=short[:40],
                sector=sector,
                home_area=home,
                parent=parent,
            )
            self.by_name[name_th] = org
            self.created += 1
        return org

    def partner(self, short_name: str) -> Organisation:
        return self.partners[short_name]


def _locals_for(province: Area, subdistricts: Sequence[Area], orgs: _Orgs) -> Locals:
    p = province.name_th
    if province.code == BANGKOK:
        pao = orgs.get(
            "กรุงเทพมหานคร",
            short="กทม.",
            sector=Sector.LOCAL_GOVERNMENT,
            home=province,
            name_en="Bangkok Metropolitan Administration",
        )
        pho = orgs.get(
            "สำนักอนามัย กรุงเทพมหานคร",
            short="สนอ.",
            sector=Sector.LOCAL_GOVERNMENT,
            home=province,
            name_en="BMA Health Department",
            parent=pao,
        )
    else:
        pao = orgs.get(
            f"องค์การบริหารส่วนจังหวัด{p}",
            short=f"อบจ.{p}",
            sector=Sector.LOCAL_GOVERNMENT,
            home=province,
            name_en=f"{province.name_en} Provincial Administrative Organisation",
        )
        pho = orgs.get(
            f"สำนักงานสาธารณสุขจังหวัด{p}",
            short=f"สสจ.{p}",
            sector=Sector.GOVERNMENT_OFFICE,
            home=province,
            name_en=f"{province.name_en} Provincial Public Health Office",
        )
    found = Locals(pao, pho)
    for sub in subdistricts:
        district = sub.parent
        assert district is not None
        s = sub.name_th
        if sub.code in LOCAL_GOV_NAMES:
            name, short, sector = LOCAL_GOV_NAMES[sub.code]
        elif province.code == BANGKOK:
            bare = district.name_th.removeprefix("เขต")
            name, short, sector = (
                f"สำนักงานเขต{bare}",
                f"สนข.{bare}",
                Sector.LOCAL_GOVERNMENT,
            )
        elif _rng("local-gov", sub.code).random() < 0.4:
            name, short, sector = f"เทศบาลตำบล{s}", f"ทต.{s}", Sector.LOCAL_GOVERNMENT
        else:
            name, short, sector = (
                f"องค์การบริหารส่วนตำบล{s}",
                f"อบต.{s}",
                Sector.LOCAL_GOVERNMENT,
            )
        # Subdistrict names repeat across the country; the province keeps ours apart.
        if name in orgs.by_name and orgs.by_name[name].home_area_id not in (
            sub.code,
            district.code,
        ):
            name = f"{name} จังหวัด{p}"
        bangkok = province.code == BANGKOK
        local = orgs.get(name, short=short, sector=sector, home=district if bangkok else sub)
        word = "แขวง" if bangkok else "ตำบล"
        council_name = f"สภาองค์กรชุมชน{word}{s}"
        if council_name in orgs.by_name and orgs.by_name[council_name].home_area_id != sub.code:
            council_name = f"{council_name} จังหวัด{p}"
        council = orgs.get(council_name, sector=Sector.COMMUNITY, home=sub)
        fund_name = f"กองทุนหลักประกันสุขภาพ{local.name_th}"
        if bangkok:
            fund_name = f"กองทุนหลักประกันสุขภาพกรุงเทพมหานคร {district.name_th}"
        fund = orgs.get(
            fund_name,
            short=f"กปท.{s}",
            sector=Sector.LOCAL_GOVERNMENT,
            home=sub,
        )
        found.by_area[sub.code] = {LOCAL_GOV: local, COUNCIL: council, FUND: fund}
    return found


# ------------------------------------------------------------------------------ the register


def _place(area: Area, rng: random.Random) -> str:
    """The area as a title names it, in one of the ways people write it."""
    bangkok = area.code.startswith(BANGKOK)
    if area.level == Level.PROVINCE:
        return "กรุงเทพมหานคร" if bangkok else f"จังหวัด{area.name_th}"
    if area.level == Level.DISTRICT:
        return area.name_th if bangkok else rng.choice(("อำเภอ", "อ.")) + area.name_th
    if bangkok:
        return f"แขวง{area.name_th}"
    district = area.parent
    style = rng.random()
    if style < 0.4:
        return f"ต.{area.name_th}"
    if style < 0.75 or district is None:
        return f"ตำบล{area.name_th}"
    return f"ต.{area.name_th} อ.{district.name_th}"


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _status(start: dt.date, end: dt.date, rng: random.Random) -> str:
    if end < AS_OF:
        return Status.CANCELLED if rng.random() < 0.05 else Status.COMPLETED
    if start > AS_OF:
        return Status.PLANNED
    return Status.ONGOING


def _stage(year: int, status: str, rng: random.Random) -> str:
    now = fiscal_year(AS_OF)
    if status == Status.CANCELLED or year > now:
        return Stage.PLANNED
    if year < now:
        return Stage.SPENT if rng.random() < 0.8 else Stage.DISBURSED
    if status == Status.PLANNED:
        return Stage.PLANNED
    return rng.choice((Stage.COMMITTED, Stage.COMMITTED, Stage.DISBURSED))


def _round_baht(amount: float) -> int:
    step = 10_000 if amount >= 1_000_000 else 5_000 if amount >= 100_000 else 1_000
    return max(step, round(amount / step) * step)


def _split(total: int, years: list[int], start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The budget shared over the fiscal years the dates span, by months in each."""
    months: dict[int, int] = {}
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        months[fiscal_year(day)] = months.get(fiscal_year(day), 0) + 1
        day = _add_months(day, 1)
    span = [y for y in years if months.get(y)]
    whole = sum(months[y] for y in span)
    parts = [(y, _round_baht(total * months[y] / whole)) for y in span[:-1]]
    rest = max(total - sum(a for _, a in parts), 1_000)
    return [*parts, (span[-1], rest)]


@dataclass
class _Context:
    actor: Any
    orgs: _Orgs
    themes: dict[str, int]
    groups: dict[str, int]
    existing: set[tuple[int, str]]
    created: int = 0
    kept: int = 0


def _owner(key: str, area: Area, locals_: Locals, orgs: _Orgs) -> Organisation:
    if key == PAO:
        return locals_.pao
    if key == PHO:
        return locals_.pho
    if key in SUBDISTRICT_OWNERS:
        return locals_.by_area[area.code][key]
    return orgs.partner(key)


def _ref_code(owner: Organisation, year: int, province: str, n: int) -> str:
    prefix = PARTNER_PREFIX.get(owner.short_name, "LOC") if owner.parent_id is None else "LOC"
    return f"{prefix}-{year % 100:02d}-{province}{n:03d}"


def _save(
    ctx: _Context,
    *,
    owner: Organisation,
    ref_code: str,
    title: str,
    summary: str,
    area: Area,
    start: dt.date,
    end: dt.date,
    status: str,
    visibility: str,
    themes: Sequence[str],
    targets: Sequence[tuple[str, int, int | None]],
    lines: Sequence[tuple[int, int, str, Organisation | None, str]],
    roles: Sequence[tuple[Organisation, str]],
) -> None:
    if (owner.pk, ref_code) in ctx.existing:
        ctx.kept += 1
        return
    data = services.ProjectData(
        owner_id=owner.pk,
        ref_code=ref_code,
        title=title,
        summary=summary,
        status=status,
        visibility=visibility,
        start_date=start,
        end_date=end,
        area_codes=[area.code],
        theme_ids=[ctx.themes[t] for t in themes],
        roles=sorted({(o.pk, r) for o, r in roles if o.pk != owner.pk}),
        targets=[services.TargetData(ctx.groups[g], p, r) for g, p, r in targets],
        budget_lines=[
            services.BudgetLineData(y, Decimal(a), stage, src.pk if src else None, note)
            for y, a, stage, src, note in lines
        ],
    )
    services.project_create(actor=ctx.actor, data=data)
    ctx.existing.add((owner.pk, ref_code))
    ctx.created += 1


def _reached(planned: int, status: str, rng: random.Random) -> int | None:
    if status == Status.COMPLETED:
        return int(planned * rng.uniform(0.8, 1.0))
    if status == Status.ONGOING:
        return int(planned * rng.uniform(0.2, 0.7))
    return None


def _planned_project(
    ctx: _Context, province: str, n: int, plan: Planned, locals_: Locals, areas: dict[str, Area]
) -> None:
    rng = _rng("planned", plan.key)
    area = areas[plan.area]
    owner = _owner(plan.owner, area, locals_, ctx.orgs)
    status = _status(plan.start, plan.end, rng)
    funder = ctx.orgs.partner(plan.funder) if plan.funder else None
    years = list(range(fiscal_year(plan.start), fiscal_year(plan.end) + 1))
    lines = [
        (y, a, _stage(y, status, rng), funder or owner, "")
        for y, a in _split(plan.amount, years, plan.start, plan.end)
    ]
    roles: list[tuple[Organisation, str]] = []
    if funder:
        roles.append((funder, OrgRole.FUNDING))
    if plan.implementer:
        roles.append((_owner(plan.implementer, area, locals_, ctx.orgs), OrgRole.IMPLEMENTING))
    _save(
        ctx,
        owner=owner,
        ref_code=_ref_code(owner, years[0], province, n),
        title=plan.title,
        summary=plan.summary,
        area=area,
        start=plan.start,
        end=plan.end,
        status=status,
        visibility=plan.visibility,
        themes=plan.themes,
        targets=[(g, p, _reached(p, status, rng)) for g, p in plan.targets],
        lines=lines,
        roles=roles,
    )


def _generated_project(
    ctx: _Context,
    province: Area,
    n: int,
    kind: Kind,
    locals_: Locals,
    active: Sequence[Area],
    focus: Sequence[Area],
    districts: Sequence[Area],
) -> None:
    rng = _rng("project", province.code, n)
    owner_key = rng.choice(kind.owners)

    def fitting(pool: Sequence[Area]) -> list[Area]:
        if not kind.rural:
            return list(pool)
        return [a for a in pool if a.parent and not a.parent.name_th.startswith("เมือง")]

    if kind.level == Level.PROVINCE:
        area = province
    elif kind.level == Level.DISTRICT:
        area = rng.choice(districts)
    elif owner_key in SUBDISTRICT_OWNERS and fitting(active):
        area = rng.choice(fitting(active))
    else:
        if owner_key in SUBDISTRICT_OWNERS:  # no active subdistrict suits: a partner does it
            owner_key = next(o for o in kind.owners if o not in SUBDISTRICT_OWNERS)
        area = rng.choice(fitting(focus) or list(focus))
    if area.level != Level.SUBDISTRICT and owner_key in SUBDISTRICT_OWNERS:
        owner_key = PAO
    owner = _owner(owner_key, area, locals_, ctx.orgs)

    year = rng.choices((2567, 2568, 2569), weights=(25, 40, 35))[0]
    first, _last = fiscal_year_range(year)
    start = _add_months(first, rng.randrange(0, 6))
    end = _add_months(start, rng.randint(*kind.months)) - dt.timedelta(days=1)
    end = min(end, fiscal_year_range(LAST_FY)[1])
    status = _status(start, end, rng)

    lo, hi = kind.budget
    total = _round_baht(rng.uniform(lo, hi))
    funder = ctx.orgs.partner(rng.choice(kind.funders)) if kind.funders else None
    if funder is not None and funder.pk == owner.pk:
        funder = None
    source = funder if funder is not None and rng.random() < 0.7 else owner
    years = list(range(fiscal_year(start), fiscal_year(end) + 1))
    roles: list[tuple[Organisation, str]] = []
    if source.pk != owner.pk:
        roles.append((source, OrgRole.FUNDING))
    co_funded: list[tuple[int, int, str, Organisation | None, str]] = []
    local = locals_.by_area.get(area.code, {}).get(LOCAL_GOV) or locals_.pao
    if rng.random() < 0.25 and local.pk != owner.pk:
        # Co-investment: the province or the municipality pays part of the same total.
        share = _round_baht(total * rng.uniform(0.1, 0.3))
        total -= share
        co_funded.append((years[-1], share, _stage(years[-1], status, rng), local, "งบสมทบ"))
        roles.append((local, OrgRole.FUNDING))
    lines: list[tuple[int, int, str, Organisation | None, str]] = [
        (y, a, _stage(y, status, rng), source, "") for y, a in _split(total, years, start, end)
    ]
    lines += co_funded
    if area.code in locals_.by_area and owner_key not in SUBDISTRICT_OWNERS and rng.random() < 0.6:
        roles.append((locals_.by_area[area.code][COUNCIL], OrgRole.IMPLEMENTING))

    place = _place(area, rng)
    title = rng.choice(kind.titles).format(place=place, fy=year)
    summary = kind.summary.format(place=place)
    if province.code == BANGKOK:  # no ตำบล and nothing rural in Bangkok: แขวง and ชุมชน
        title = title.replace("บ้านมั่นคงชนบท", "บ้านมั่นคงเมือง").replace("ตำบล", "ชุมชน")
        summary = summary.replace("ตำบล", "ชุมชน")
    targets = []
    for slug, t_lo, t_hi in kind.targets:
        planned = rng.randint(t_lo, t_hi)
        targets.append((slug, planned, _reached(planned, status, rng)))
    visibility = rng.choices(
        (Visibility.PUBLIC, Visibility.ALLIANCE, Visibility.PRIVATE), weights=(40, 55, 5)
    )[0]
    _save(
        ctx,
        owner=owner,
        ref_code=_ref_code(owner, year, province.code, n),
        title=title,
        summary=summary,
        area=area,
        start=start,
        end=end,
        status=status,
        visibility=visibility,
        themes=kind.themes,
        targets=targets,
        lines=lines,
        roles=roles,
    )


def _province(ctx: _Context, code: str) -> None:
    province = Area.objects.get(code=code)
    rng = _rng("province", code)
    districts = list(Area.objects.filter(parent=province).order_by("code"))
    subdistricts = list(
        Area.objects.filter(level=Level.SUBDISTRICT, code__startswith=code)
        .select_related("parent")
        .order_by("code")
    )
    by_code = {a.code: a for a in [province, *districts, *subdistricts]}
    named = [by_code[c] for c in ACTIVE.get(code, ())]
    others = [s for s in subdistricts if s not in named]
    extra = rng.sample(others, 3 - min(len(named), 3) + rng.randint(3, 5))
    active = [*named, *extra[: max(0, 3 - len(named))]]
    focus = [*active, *extra[max(0, 3 - len(named)) :]]
    locals_ = _locals_for(province, active, ctx.orgs)

    plans = OVERLAPS.get(code, ())
    for n, plan in enumerate(plans, start=1):
        _planned_project(ctx, code, n, plan, locals_, by_code)
    total = 40 if code == SHOWCASE else rng.randint(18, 38)
    kinds = [k for k in KINDS if (k.only is None or code in k.only) and code not in k.not_in]
    weights = [k.weight for k in kinds]
    for n in range(len(plans) + 1, total + 1):
        kind = _rng("kind", code, n).choices(kinds, weights=weights)[0]
        _generated_project(ctx, province, n, kind, locals_, active, focus, districts)


@transaction.atomic
def load_register(*, actor: Any) -> dict[str, int]:
    """Create the demo register (idempotent). Needs the areas, the reference partners, themes
    and target groups, and the demo administrator as ``actor``."""
    ctx = _Context(
        actor=actor,
        orgs=_Orgs(actor),
        themes=dict(Theme.objects.values_list("slug", "pk")),
        groups=dict(TargetGroup.objects.values_list("slug", "pk")),
        existing=set(Project.objects.exclude(ref_code="").values_list("owner_id", "ref_code")),
    )
    for code in PROVINCES:
        _province(ctx, code)
    return {
        "projects_created": ctx.created,
        "projects_kept": ctx.kept,
        "organisations_created": ctx.orgs.created,
    }
