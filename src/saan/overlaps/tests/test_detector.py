"""The overlap detector on its own (pure Python, no database)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from saan.overlaps.detector import (
    DEFAULT_THRESHOLD,
    Detector,
    Facts,
    candidate_pairs,
    normalise,
    unchecked_reason,
    words,
)

FY68 = (date(2024, 10, 1), date(2025, 9, 30))
FY69 = (date(2025, 10, 1), date(2026, 9, 30))
BAN_PED, SAWATHI = "400115", "400108"  # ต.บ้านเป็ด, ต.สาวะถี (อ.เมืองขอนแก่น)
MUEANG_KHON_KAEN = frozenset({f"4001{n:02d}" for n in range(1, 19)})


def facts(
    id: int,
    title: str,
    text: str = "",
    *,
    lead: int = 1,
    subs: frozenset[str] | tuple[str, ...] = (BAN_PED,),
    dates: tuple[date | None, date | None] = FY68,
    themes: tuple[str, ...] = ("ageing", "health"),
    targets: tuple[str, ...] = ("dependent-elderly",),
    places: tuple[str, ...] = ("บ้านเป็ด", "เมืองขอนแก่น", "ขอนแก่น"),
) -> Facts:
    return Facts(
        id=id,
        organisations=frozenset({lead}),
        lead=lead,
        subdistricts=frozenset(subs),
        start=dates[0],
        end=dates[1],
        title=title,
        text=text,
        themes=frozenset(themes),
        target_groups=frozenset(targets),
        place_names=places,
    )


HOME_CARE_THAIHEALTH = facts(
    1,
    "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
    "อาสาสมัครบริบาลท้องถิ่นเยี่ยมบ้านผู้สูงวัยที่มีภาวะพึ่งพิงสัปดาห์ละครั้ง ช่วยฟื้นฟูสมรรถภาพและให้คำแนะนำญาติผู้ดูแล",
    lead=10,
)
HOME_CARE_LOCAL_FUND = facts(
    2,
    "โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลบ้านเป็ด ปีงบ 2568",
    "จัดบริการดูแลระยะยาว (Long Term Care) แก่ผู้สูงอายุกลุ่มพึ่งพิง 42 ราย โดย Caregiver "
    "ตามแผนการดูแลรายบุคคล (Care Plan)",
    lead=20,
    dates=(date(2025, 1, 1), date(2025, 12, 31)),
    targets=("bedridden", "dependent-elderly"),
)


# -- normalisation ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "places", "expected"),
    [
        ("โครงการดูแลผู้สูงอายุ ต.บ้านเป็ด ปีงบ ๒๕๖๘", ["บ้านเป็ด"], "ดูแลผู้สูงอายุ"),
        ("ตำบลสาวะถี ปีงบประมาณ 2569 (ระยะที่ ๒)", ["ต.สาวะถี"], "ระยะที่ 2"),
        ("อบรม อสม. พ.ศ. 2568 อำเภอเมืองขอนแก่น", ["เมืองขอนแก่น"], "อบรม อสม"),
        ("ธนาคารขยะ ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", [], "ธนาคารขยะ ประจำ"),
        ("ปลูกผัก ปี 2569 ทั้งอำเภอพระยืน จังหวัดขอนแก่น", ["พระยืน", "ขอนแก่น"], "ปลูกผัก"),
        ("เลี้ยงไก่ไข่ ปีงบ 68 ต.ที่ไม่ได้ระบุ", [], "เลี้ยงไก่ไข่"),
        ("คัดกรอง“เบาหวาน”/ความดัน!!", [], "คัดกรอง เบาหวาน ความดัน"),
    ],
)
def test_normalise(raw: str, places: list[str], expected: str) -> None:
    assert normalise(raw, places) == expected


def test_words_drop_stop_words_and_keep_synonym_phrases_whole() -> None:
    d = Detector()
    got = d.words(facts(1, "จัดบริการดูแลระยะยาวสำหรับผู้สูงวัยที่มีภาวะพึ่งพิง ตาม Care Plan"))
    # Longest phrase first: the dependent-elders phrase is not read as plain ผู้สูงอายุ; no
    # word is cut to fit a phrase (บริการ stays whole, no stray "ริ").
    # "Care Plan" is part of long-term care in the seeded list, so it maps to the same word.
    assert got == ["บริการ", "ดูแลระยะยาว", "ผู้สูงอายุติดเตียง", "ดูแลระยะยาว"]
    assert "ผู้สูงอายุติดเตียง" not in words("ผู้สูงอายุกลุ่มพึ่งพิง")  # no synonyms given


def test_synonym_variants_become_one_word() -> None:
    d = Detector()
    variants = ["ผู้สูงวัยที่มีภาวะพึ่งพิง", "ผู้สูงอายุกลุ่มพึ่งพิง", "ผู้ป่วยติดเตียง", "ผู้สูงอายุติดเตียง"]
    assert {tuple(d.words(facts(1, v))) for v in variants} == {("ผู้สูงอายุติดเตียง",)}


def test_edited_synonyms_are_used() -> None:
    plain = Detector(synonyms=[])
    edited = Detector(synonyms=[["ธนาคารขยะ", "ตลาดนัดขยะรีไซเคิล"]])
    a = facts(1, "ธนาคารขยะ", themes=("environment",), targets=())
    b = facts(2, "ตลาดนัดขยะรีไซเคิล", lead=2, themes=("environment",), targets=())
    plain_match, edited_match = plain.pair(a, b), edited.pair(a, b)
    assert plain_match is not None and edited_match is not None
    assert edited_match.shared_words == ("ธนาคารขยะ",)
    assert edited_match.components["text"] == pytest.approx(1.0)
    assert edited_match.score > plain_match.score


# -- what cannot be checked -------------------------------------------------------------------
def test_unchecked_reason() -> None:
    assert unchecked_reason(facts(1, "x", subs=())) == "ไม่มีพื้นที่ / no area"
    assert unchecked_reason(facts(1, "x", dates=(None, date(2025, 1, 1)))) == "ไม่มีวันที่ / no dates"
    assert unchecked_reason(facts(1, "x", dates=(date(2025, 1, 1), None))) == "ไม่มีวันที่ / no dates"
    reason = unchecked_reason(facts(1, "x", dates=(date(2025, 2, 1), date(2025, 1, 1))))
    assert reason == "วันสิ้นสุดก่อนวันเริ่ม / ends before it starts"
    assert unchecked_reason(HOME_CARE_THAIHEALTH) is None


def test_unchecked_projects_are_never_paired() -> None:
    d = Detector()
    no_dates = facts(3, HOME_CARE_LOCAL_FUND.title, lead=30, dates=(None, None))
    assert d.pair(HOME_CARE_THAIHEALTH, no_dates) is None
    assert d.scan([HOME_CARE_THAIHEALTH, no_dates]) == []
    assert d.check(no_dates, d.index([HOME_CARE_THAIHEALTH])) == []


# -- the candidate rule -----------------------------------------------------------------------
def test_same_work_in_other_words_is_found_and_explained() -> None:
    m = Detector().pair(HOME_CARE_LOCAL_FUND, HOME_CARE_THAIHEALTH)
    assert m is not None
    assert (m.a, m.b, m.kind, m.same_organisation) == (1, 2, "overlap", False)
    assert m.shared_subdistricts == {BAN_PED}
    assert (m.overlap_start, m.overlap_end, m.shared_days) == (
        date(2025, 1, 1),
        date(2025, 9, 30),
        273,
    )
    assert m.shared_words[0] == "ดูแลระยะยาว" and "ผู้สูงอายุติดเตียง" in m.shared_words
    assert m.shared_themes == {"ageing", "health"}
    assert m.shared_target_groups == {"dependent-elderly"}
    assert set(m.components) == {"text", "chars", "title", "themes", "targets", "concepts"}
    assert m.score >= DEFAULT_THRESHOLD
    reasons = m.reasons_th()
    assert reasons[0] == "ทำงานในตำบลเดียวกัน 1 ตำบล"
    assert "ช่วงเวลาทับซ้อนกัน 273 วัน" in reasons
    assert any(r.startswith("คำที่ตรงกัน: ") and "ผู้สูงอายุติดเตียง" in r for r in reasons)
    assert m.reasons_en()[:2] == [
        "Works in the same subdistricts: 1",
        "The periods overlap by 273 days",
    ]
    assert [key for key, _ in m.reasons()][-1] == "score"


def test_neighbouring_subdistrict_is_never_a_candidate() -> None:
    neighbour = facts(3, HOME_CARE_LOCAL_FUND.title, HOME_CARE_LOCAL_FUND.text, lead=20)
    neighbour = facts(3, neighbour.title, neighbour.text, lead=20, subs=(SAWATHI,))
    assert Detector().pair(HOME_CARE_THAIHEALTH, neighbour) is None


def test_the_same_work_a_year_later_is_not_an_overlap() -> None:
    next_year = facts(3, HOME_CARE_LOCAL_FUND.title, HOME_CARE_LOCAL_FUND.text, lead=20, dates=FY69)
    assert Detector().pair(HOME_CARE_THAIHEALTH, next_year) is None


def test_one_shared_day_is_enough() -> None:
    last_day = facts(3, "ดูแลผู้สูงอายุติดเตียง", lead=20, dates=(FY68[1], FY69[1]))
    m = Detector().pair(HOME_CARE_THAIHEALTH, last_day)
    assert m is not None and m.kind == "overlap" and m.shared_days == 1


def test_district_wide_project_meets_a_subdistrict_one() -> None:
    district = facts(
        3,
        "ดูแลผู้สูงอายุติดเตียงระยะยาว ทั้งอำเภอเมืองขอนแก่น",
        HOME_CARE_LOCAL_FUND.text,
        lead=30,
        subs=MUEANG_KHON_KAEN,
        places=("เมืองขอนแก่น", "ขอนแก่น"),
    )
    m = Detector().pair(HOME_CARE_THAIHEALTH, district)
    assert m is not None and m.shared_subdistricts == {BAN_PED}
    assert m.score >= DEFAULT_THRESHOLD


# -- hard negatives: same people, same place, same months, different work -----------------------
ELDERLY_SCHOOL = facts(
    5,
    "โรงเรียนผู้สูงอายุ ตำบลบ้านเป็ด",
    "เปิดเรียนทุกวันพุธ ผู้สูงอายุที่ยังแข็งแรงเรียนการใช้สมาร์ตโฟน ภูมิปัญญาท้องถิ่น การออกกำลังกาย และทำกิจกรรมกลุ่มร่วมกัน",
    lead=40,
    themes=("ageing", "participation"),
    targets=("age-60-plus",),
)
POOR_SURVEY = facts(
    6,
    "สำรวจและสอบทานข้อมูลครัวเรือนยากจน ต.บ้านเป็ด",
    "ทีมนักวิจัยร่วมกับผู้นำชุมชนลงพื้นที่สอบทานรายชื่อคนจนเป้าหมายจาก TPMAP เก็บข้อมูลทุนห้าด้านของแต่ละครัวเรือน",
    lead=50,
    themes=("poverty", "data-research"),
    targets=("target-poor", "households"),
)
POOR_LIVELIHOOD = facts(
    7,
    "ส่งเสริมอาชีพครัวเรือนยากจนเป้าหมาย ตำบลบ้านเป็ด",
    "สนับสนุนพันธุ์ไก่ไข่ เมล็ดผัก และอุปกรณ์ให้ครัวเรือนยากจน 35 ครัวเรือน พร้อมพี่เลี้ยงติดตามรายเดือนให้มีรายได้เพิ่มขึ้น",
    lead=60,
    themes=("poverty", "community-economy"),
    targets=("target-poor", "households"),
)


@pytest.mark.parametrize(
    ("a", "b"),
    [(HOME_CARE_THAIHEALTH, ELDERLY_SCHOOL), (POOR_SURVEY, POOR_LIVELIHOOD)],
    ids=["home-care-vs-elderly-school", "poor-survey-vs-livelihood"],
)
def test_different_work_for_the_same_people_scores_below_the_threshold(a: Facts, b: Facts) -> None:
    m = Detector().pair(a, b)
    assert m is not None and m.kind == "overlap"  # a candidate: same place, same months
    assert m.score < DEFAULT_THRESHOLD
    same_work = Detector().pair(HOME_CARE_THAIHEALTH, HOME_CARE_LOCAL_FUND)
    assert same_work is not None and m.score < same_work.score


# -- continuations ----------------------------------------------------------------------------
def test_yearly_continuation_of_the_same_organisation() -> None:
    d = Detector()
    again = facts(8, "ดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ปีงบ 2569", lead=10, dates=FY69)
    m = d.pair(HOME_CARE_THAIHEALTH, again)
    assert m is not None and m.kind == "continuation" and m.same_organisation
    assert m.shared_days == 0 and m.overlap_start is None
    assert m.score >= DEFAULT_THRESHOLD
    assert any("ต่อเนื่อง" in r for r in m.reasons_th())


def test_continuation_needs_the_same_lead_and_a_short_gap() -> None:
    d = Detector()
    other_lead = facts(8, "ดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน", lead=11, dates=FY69)
    assert d.pair(HOME_CARE_THAIHEALTH, other_lead) is None
    late = (FY68[1] + timedelta(days=46), FY69[1])
    assert d.pair(HOME_CARE_THAIHEALTH, facts(9, "ดูแลผู้สูงอายุติดเตียง", lead=10, dates=late)) is None
    soon = (FY68[1] + timedelta(days=45), FY69[1])
    m = d.pair(HOME_CARE_THAIHEALTH, facts(9, "ดูแลผู้สูงอายุติดเตียง", lead=10, dates=soon))
    assert m is not None and m.kind == "continuation"


# -- scan, index, check -----------------------------------------------------------------------
def register() -> list[Facts]:
    return [
        HOME_CARE_THAIHEALTH,
        HOME_CARE_LOCAL_FUND,
        ELDERLY_SCHOOL,
        POOR_SURVEY,
        POOR_LIVELIHOOD,
        facts(11, "เยี่ยมบ้านผู้ป่วยติดเตียง", lead=70, subs=(BAN_PED, SAWATHI)),
        facts(12, "โรงเรียนผู้สูงวัย", lead=80, subs=(SAWATHI,)),
        facts(13, "ดูแลผู้สูงอายุติดเตียง ปีงบ 2569", lead=10, dates=FY69),
        facts(14, "ดูแลผู้สูงอายุติดเตียง", lead=90, subs=MUEANG_KHON_KAEN),
        facts(15, "ดูแลผู้สูงอายุติดเตียง", lead=91, subs=()),
    ]


def test_scan_finds_every_candidate_pair_once_best_first() -> None:
    seen: list[tuple[int, int]] = []
    found = Detector().scan(register(), progress=lambda n, total: seen.append((n, total)))
    keys = [(m.a, m.b) for m in found]
    assert len(keys) == len(set(keys)) and all(a < b for a, b in keys)
    assert (11, 12) in keys and (12, 14) in keys and (1, 13) in keys
    assert not any(15 in k for k in keys) and (1, 12) not in keys
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert seen[-1] == (10, 10)
    assert {(a, b) for a, b, _ in candidate_pairs(register())} == set(keys)
    strict = Detector().scan(register(), min_score=DEFAULT_THRESHOLD)
    assert strict == [m for m in found if m.score >= DEFAULT_THRESHOLD]


def test_index_check_equals_scan_and_follows_add_and_remove() -> None:
    d = Detector()
    projects = register()
    from_scan = {(m.a, m.b): m for m in d.scan(projects)}
    index = d.index(projects)
    assert len(index) == 9 and 15 not in index  # the project without an area is not indexed
    from_checks: dict[tuple[int, int], object] = {}
    for f in projects:
        for m in d.check(f, index):
            from_checks[(m.a, m.b)] = m
    assert from_checks == from_scan
    index.remove(2)
    assert all(2 not in (m.a, m.b) for m in d.check(HOME_CARE_THAIHEALTH, index))
    index.add(HOME_CARE_LOCAL_FUND)
    assert (1, 2) in {(m.a, m.b) for m in d.check(HOME_CARE_THAIHEALTH, index)}
    moved = facts(2, HOME_CARE_LOCAL_FUND.title, lead=20, subs=(SAWATHI,))
    index.add(moved)  # an edit replaces the old facts
    assert (1, 2) not in {(m.a, m.b) for m in d.check(HOME_CARE_THAIHEALTH, index)}
    assert BAN_PED not in {c for c, ids in index.by_subdistrict.items() if 2 in ids}


def test_the_detector_imports_without_django() -> None:
    code = (
        "import sys; import saan.overlaps.detector as d; "
        "assert 'django' not in sys.modules, 'django imported'; print(d.DEFAULT_THRESHOLD)"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter, a fixed snippet)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert float(out.stdout) == DEFAULT_THRESHOLD


def test_latin_synonyms_match_whole_words_only() -> None:
    d = Detector(synonyms=[["ผู้จัดการการดูแล", "cm"]])
    assert d.words(facts(1, "อบรม CM")) == ["อบรม", "ผู้จัดการการดูแล"]
    assert "ผู้จัดการการดูแล" not in d.words(facts(1, "ระบบ cms ของเว็บไซต์"))
