"""The overlap detector on its own (pure Python, no database)."""

from __future__ import annotations

from datetime import date

from saan.overlaps.detector import Detector, Facts, normalise, unchecked_reason, words

FY68 = (date(2024, 10, 1), date(2025, 9, 30))
FY69 = (date(2025, 10, 1), date(2026, 9, 30))


def facts(
    id: int,
    title: str,
    text: str = "",
    *,
    lead: int = 1,
    subs: tuple[str, ...] = ("400115",),
    dates: tuple[date | None, date | None] = FY68,
    themes: tuple[str, ...] = ("ageing",),
    targets: tuple[str, ...] = ("dependent-elderly",),
    places: tuple[str, ...] = ("บ้านเป็ด",),
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


def test_normalise_digits_prefixes_years_and_places() -> None:
    assert normalise("โครงการดูแลผู้สูงอายุ ต.บ้านเป็ด ปีงบ ๒๕๖๘", ["บ้านเป็ด"]) == "ดูแลผู้สูงอายุ"
    assert normalise("ตำบลสาวะถี ปีงบประมาณ 2569 (ระยะที่ ๒)", ["ต.สาวะถี"]) == "ระยะที่ 2"
    assert normalise("อบรม อสม. พ.ศ. 2568 อำเภอเมืองขอนแก่น", ["เมืองขอนแก่น"]) == "อบรม อสม"


def test_synonyms_map_variants_to_one_word() -> None:
    d = Detector()
    a = d.words(facts(1, "ดูแลผู้สูงวัยที่มีภาวะพึ่งพิง"))
    b = d.words(facts(2, "ผู้สูงอายุกลุ่มพึ่งพิง"))
    assert a[-1] == b[-1] == "ผู้สูงอายุติดเตียง"
    assert "ผู้สูงอายุติดเตียง" not in words("ผู้สูงอายุกลุ่มพึ่งพิง")


def test_unchecked_reason() -> None:
    assert unchecked_reason(facts(1, "x", subs=())) == "ไม่มีพื้นที่ / no area"
    assert unchecked_reason(facts(1, "x", dates=(None, date(2025, 1, 1)))) == "ไม่มีวันที่ / no dates"
    assert unchecked_reason(facts(1, "x")) is None


def test_same_work_different_words_matches() -> None:
    d = Detector()
    a = facts(
        1,
        "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
        "อาสาสมัครบริบาลท้องถิ่นเยี่ยมบ้านผู้สูงวัยที่มีภาวะพึ่งพิง จัดทำแผนการดูแลรายบุคคล",
    )
    b = facts(
        2,
        "โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลบ้านเป็ด ปีงบ 2568",
        "Caregiver ออกเยี่ยมบ้านผู้สูงอายุติดเตียง ทำ Care Plan",
        lead=2,
        subs=("400115", "400108"),
    )
    m = d.pair(a, b)
    assert m is not None and m.kind == "overlap" and not m.same_organisation
    assert m.shared_subdistricts == {"400115"} and m.shared_days == 365
    assert "ผู้สูงอายุติดเตียง" in m.shared_words
    assert m.score > 0.5
    assert any("ตำบลเดียวกัน" in r for r in m.reasons_th())


def test_neighbouring_subdistrict_and_next_year_are_never_candidates() -> None:
    d = Detector()
    a = facts(1, "ดูแลผู้สูงอายุติดเตียง")
    assert d.pair(a, facts(2, "ดูแลผู้สูงอายุติดเตียง", lead=2, subs=("400108",))) is None
    assert d.pair(a, facts(3, "ดูแลผู้สูงอายุติดเตียง", lead=2, dates=FY69)) is None


def test_continuation_of_the_same_organisation() -> None:
    d = Detector()
    a = facts(1, "ดูแลผู้สูงอายุติดเตียง ปีงบ 2568")
    b = facts(2, "ดูแลผู้สูงอายุติดเตียง ปีงบ 2569", dates=FY69)
    m = d.pair(a, b)
    assert m is not None and m.kind == "continuation" and m.same_organisation
    assert m.shared_days == 0 and m.score > 0.8


def test_index_check_equals_scan() -> None:
    d = Detector()
    ps = [
        facts(1, "ดูแลผู้สูงอายุติดเตียง"),
        facts(2, "เยี่ยมบ้านผู้สูงวัยที่มีภาวะพึ่งพิง", lead=2, subs=("400115", "400108")),
        facts(3, "โรงเรียนผู้สูงอายุ", lead=3, subs=("400108",)),
        facts(4, "ดูแลผู้สูงอายุติดเตียง", lead=4, subs=()),
    ]
    found = {(m.a, m.b) for m in d.scan(ps)}
    assert found == {(1, 2), (2, 3)}
    idx = d.index(ps[1:])
    assert {(m.a, m.b) for m in d.check(ps[0], idx)} == {(1, 2)}
    idx.remove(2)
    assert d.check(ps[0], idx) == []
    idx.add(ps[1])
    assert len(d.check(ps[0], idx)) == 1
