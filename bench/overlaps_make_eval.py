"""Write the overlap detector's evaluation set: src/saan/overlaps/data/evaluation_pairs.json.

    .venv/bin/python bench/overlaps_make_eval.py

Deterministic (fixed seed): the same file every run. The wording comes from the hand-written
families in ``overlaps_eval_families.py``; this script places them in real subdistricts (DOPA
codes from geothai) of 12 programme provinces, gives them dates, organisations and fiscal-year
phrasing, and labels each pair. Case kinds:

- ``positive`` (label 1): two organisations describe the same work (two different variants of
  one family) in the same subdistrict, sometimes one of them district-wide, sharing some months.
- ``continuation`` (label 1, expected kind "continuation"): the same lead organisation does the
  same work again the next fiscal year, starting within 40 days after the earlier one ends.
- ``neighbouring_subdistrict`` (0): the same work in another subdistrict of the same district.
- ``next_year`` (0): the same work by another organisation the following fiscal year.
- ``same_people_different_work`` (0): a confusable family for the same people in the same
  place and months (poor-household survey vs. livelihood; home care vs. an elderly school …).
- ``same_theme_different_work`` (0): two families sharing a theme, same place and months.
- ``different_theme`` (0): unrelated work in the same place and months.
- ``continuation_different_work`` (0): same lead organisation, next year, different work.

The split (``tune``/``test``) is by family, so the weights and threshold tuned on one half are
reported on families whose wording they never saw.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import geothai

sys.path.insert(0, str(Path(__file__).resolve().parent))
from overlaps_eval_families import CONFUSABLE, FAMILIES, Family

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "saan" / "overlaps" / "data" / "evaluation_pairs.json"
PROVINCES = ("40", "57", "60", "23", "93", "65", "36", "34", "81", "38", "72", "13")
LOCAL = {"อบต.", "เทศบาลตำบล", "รพ.สต.", "กองทุนสุขภาพตำบล", "สภาองค์กรชุมชน", "โรงเรียน"}
LOCAL |= {"ศูนย์พัฒนาเด็กเล็ก", "ชมรมผู้สูงอายุ", "กองทุนสวัสดิการชุมชน", "สภาเด็กและเยาวชน"}
PARTNERS = ("รพ.สต.", "อสม.", "มหาวิทยาลัย", "สภาองค์กรชุมชน", "โรงเรียน", "วัด")
FILLER = (
    "ดำเนินการร่วมกับภาคีเครือข่ายในพื้นที่",
    "ติดตามและประเมินผลทุกไตรมาส",
    "สรุปผลและถอดบทเรียนเมื่อสิ้นสุดโครงการ",
    "งบประมาณ 85,000 บาท",
    "งบประมาณ ๑๒๐,๐๐๐ บาท",
    "ครอบคลุม 12 หมู่บ้าน",
    "มีผู้เข้าร่วมไม่น้อยกว่า ๕๐ คน",
    "ประชุมคณะทำงานเดือนละครั้ง",
    "รายงานผลต่อคณะกรรมการกองทุนทุกเดือน",
    "",
    "",
    "",
)
TH_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

rng = random.Random(5)


def places() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(province name, district code, district name, [(subdistrict code, name)]) to draw from."""
    out = []
    for p in PROVINCES:
        province = geothai.province(p)
        assert province is not None
        districts = [d for d in geothai.districts(p) if len(geothai.subdistricts(d.code)) >= 4]
        for d in rng.sample(districts, min(3, len(districts))):
            subs = [(s.code, s.name_th) for s in geothai.subdistricts(d.code)]
            out.append((province.name_th, d.code, d.name_th, subs))
    return out


PLACES = places()


def fy_phrase(fy: int) -> str:
    choice = rng.choice(
        ["ปีงบประมาณ {y}", "ปีงบ {yy}", "ปี {y}", "ประจำปีงบประมาณ พ.ศ. {y}", "พ.ศ. {y}", "", ""]
    )
    text = choice.format(y=fy, yy=fy % 100)
    return text.translate(TH_DIGITS) if rng.random() < 0.2 else text


def place_phrase(province: str, district: str, sub: str | None) -> str:
    if sub is None:
        return rng.choice(["อ.{d}", "อำเภอ{d}", "อำเภอ{d} จังหวัด{p}", "ทั้งอำเภอ{d}"]).format(
            d=district, p=province
        )
    return rng.choice(
        ["ต.{s}", "ตำบล{s}", "ตำบล {s}", "{s}", "ต.{s} อ.{d}", "ต.{s} อ.{d} จ.{p}", ""]
    ).format(s=sub, d=district, p=province)


def fiscal_period(fy: int, shape: str) -> tuple[date, date]:
    """Dates of a project in fiscal year ``fy`` (พ.ศ., ending 30 Sep of fy - 543)."""
    end_year = fy - 543
    return {
        "full": (date(end_year - 1, 10, 1), date(end_year, 9, 30)),
        "first-half": (date(end_year - 1, 10, 1), date(end_year, 3, 31)),
        "second-half": (date(end_year, 4, 1), date(end_year, 9, 30)),
        "mid": (date(end_year, 1, 1), date(end_year, 6, 30)),
        "calendar": (date(end_year, 1, 1), date(end_year, 12, 31)),
        "late-start": (date(end_year - 1, 12, 1), date(end_year, 9, 30)),
    }[shape]


SHAPES = ("full", "full", "full", "first-half", "second-half", "mid", "calendar", "late-start")


def org_name(org: str, sub_name: str) -> str:
    return f"{org}{sub_name}" if org in LOCAL else org


def project(
    fam: Family,
    variant: int,
    *,
    lead: str,
    where: tuple[str, str, str, list[tuple[str, str]]],
    sub: tuple[str, str] | None,
    period: tuple[date, date],
    fy: int,
) -> dict:
    province, dcode, dname, subs = where
    title, text = fam.variants[variant]
    title = " ".join(
        title.format(
            t=place_phrase(province, dname, sub[1] if sub else None), fy=fy_phrase(fy)
        ).split()
    )
    filler = rng.choice(FILLER)
    text = f"{text} {filler}".strip()
    local_name = sub[1] if sub else dname
    organisations = {org_name(lead, local_name)}
    if rng.random() < 0.5:
        organisations.add(org_name(rng.choice(PARTNERS), local_name))
    themes = set(fam.themes[: rng.choice([1, len(fam.themes)])])
    targets = set(rng.sample(fam.targets, rng.randint(1, len(fam.targets))))
    return {
        "family": fam.slug,
        "organisations": sorted(organisations),
        "lead": org_name(lead, local_name),
        "area_codes": [sub[0]] if sub else [dcode],
        "subdistricts": [sub[0]] if sub else [c for c, _ in subs],
        # The names of its areas and of their parents, as the app passes them.
        "place_names": ([sub[1]] if sub else []) + [dname, province],
        "start": period[0].isoformat(),
        "end": period[1].isoformat(),
        "title": title,
        "text": text,
        "themes": sorted(themes),
        "target_groups": sorted(targets),
    }


def two_orgs(fam: Family) -> tuple[str, str]:
    a, b = rng.sample(fam.orgs, 2)
    return a, b


def overlapping_periods(fy: int) -> tuple[tuple[date, date], tuple[date, date]]:
    while True:
        a = fiscal_period(fy, rng.choice(SHAPES))
        b = fiscal_period(fy + rng.choice([0, 0, 0, 1]), rng.choice(SHAPES))
        if max(a[0], b[0]) <= min(a[1], b[1]):
            return a, b


BY_SLUG = {f.slug: f for f in FAMILIES}
SPLIT = {f.slug: ("tune" if i % 2 == 0 else "test") for i, f in enumerate(FAMILIES)}

pairs: list[dict] = []


def add(case: str, label: int, kind: str | None, a: dict, b: dict) -> None:
    pairs.append(
        {
            "case": case,
            "label": label,
            "expected_kind": kind,
            "split": SPLIT[a["family"]],
            "a": a,
            "b": b,
        }
    )


def same_place_pair(fam_a: Family, fam_b: Family, case: str, wide: float = 0.0) -> None:
    where = rng.choice(PLACES)
    sub = rng.choice(where[3])
    fy = rng.choice([2567, 2568, 2569])
    pa, pb = overlapping_periods(fy)
    lead_a = rng.choice(fam_a.orgs)
    lead_b = rng.choice([o for o in fam_b.orgs if o != lead_a] or ["มูลนิธิ"])
    va = rng.randrange(len(fam_a.variants))
    vb = rng.randrange(len(fam_b.variants))
    if fam_a is fam_b:
        vb = rng.choice([i for i in range(len(fam_b.variants)) if i != va])
    a = project(fam_a, va, lead=lead_a, where=where, sub=sub, period=pa, fy=fy)
    b_sub = None if rng.random() < wide else sub
    b = project(fam_b, vb, lead=lead_b, where=where, sub=b_sub, period=pb, fy=fy)
    label = 1 if case == "positive" else 0
    add(case, label, "overlap" if label else None, a, b)


def main() -> None:
    for _ in range(150):
        fam = rng.choice(FAMILIES)
        same_place_pair(fam, fam, "positive", wide=0.25)
    for _ in range(40):
        fam = rng.choice(FAMILIES)
        where = rng.choice(PLACES)
        sa, sb = rng.sample(where[3], 2)
        fy = rng.choice([2567, 2568, 2569])
        pa, pb = overlapping_periods(fy)
        la, lb = two_orgs(fam)
        va, vb = rng.sample(range(len(fam.variants)), 2)
        add(
            "neighbouring_subdistrict",
            0,
            None,
            project(fam, va, lead=la, where=where, sub=sa, period=pa, fy=fy),
            project(fam, vb, lead=lb, where=where, sub=sb, period=pb, fy=fy),
        )
    for _ in range(40):
        fam = rng.choice(FAMILIES)
        where = rng.choice(PLACES)
        sub = rng.choice(where[3])
        fy = rng.choice([2567, 2568])
        la, lb = two_orgs(fam)
        va, vb = rng.sample(range(len(fam.variants)), 2)
        pa = fiscal_period(fy, rng.choice(["full", "first-half", "second-half"]))
        pb = fiscal_period(fy + 1, rng.choice(["full", "second-half", "mid"]))
        if pb[0] <= pa[1]:
            pb = (pa[1] + timedelta(days=60), pa[1] + timedelta(days=300))
        add(
            "next_year",
            0,
            None,
            project(fam, va, lead=la, where=where, sub=sub, period=pa, fy=fy),
            project(fam, vb, lead=lb, where=where, sub=sub, period=pb, fy=fy + 1),
        )
    for i in range(84):
        x, y = CONFUSABLE[i % len(CONFUSABLE)]
        fa, fb = (BY_SLUG[x], BY_SLUG[y]) if rng.random() < 0.5 else (BY_SLUG[y], BY_SLUG[x])
        same_place_pair(fa, fb, "same_people_different_work", wide=0.15)
    confusable = {frozenset(c) for c in CONFUSABLE}
    same_theme = [
        (f, g)
        for f in FAMILIES
        for g in FAMILIES
        if f.slug < g.slug
        and set(f.themes) & set(g.themes)
        and frozenset((f.slug, g.slug)) not in confusable
    ]
    for f, g in rng.sample(same_theme, 30):
        same_place_pair(f, g, "same_theme_different_work", wide=0.15)
    for _ in range(35):
        while True:
            f, g = rng.sample(FAMILIES, 2)
            if not set(f.themes) & set(g.themes):
                break
        same_place_pair(f, g, "different_theme", wide=0.15)
    for n in range(45):
        continuing = n < 30
        fam = rng.choice(FAMILIES)
        other = fam if continuing else rng.choice([g for g in FAMILIES if g is not fam])
        where = rng.choice(PLACES)
        sub = rng.choice(where[3])
        fy = rng.choice([2567, 2568])
        lead = rng.choice([o for o in fam.orgs if o in other.orgs] or [fam.orgs[0]])
        va = rng.randrange(len(fam.variants))
        vb = va if (continuing and rng.random() < 0.5) else rng.randrange(len(other.variants))
        pa = fiscal_period(fy, "full")
        start_b = pa[1] + timedelta(days=rng.choice([1, 1, 1, 15, 32, 40]))
        pb = (start_b, fiscal_period(fy + 1, "full")[1])
        add(
            "continuation" if continuing else "continuation_different_work",
            1 if continuing else 0,
            "continuation" if continuing else None,
            project(fam, va, lead=lead, where=where, sub=sub, period=pa, fy=fy),
            project(other, vb, lead=lead, where=where, sub=sub, period=pb, fy=fy + 1),
        )
    ids = iter(range(1, 10_000))
    for n, p in enumerate(pairs, 1):
        p["id"] = n
        p["a"]["id"] = next(ids)
        p["b"]["id"] = next(ids)
    doc = {
        "_about": (
            "Labelled pairs for the overlap detector (label 1 = the same work). Written by "
            "bench/overlaps_make_eval.py from hand-written wording in "
            "bench/overlaps_eval_families.py; real DOPA subdistrict codes; district-wide "
            "projects listed with their expanded subdistricts. See docs/overlap-detector.md."
        ),
        "pairs": pairs,
    }
    # One pair a line: small diffs, readable with grep.
    lines = ",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in pairs)
    about = json.dumps(doc["_about"], ensure_ascii=False)
    OUT.write_text(f'{{"_about": {about},\n"pairs": [\n{lines}\n]}}\n', encoding="utf-8")
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p["case"]] = counts.get(p["case"], 0) + 1
    print(f"{len(pairs)} pairs → {OUT.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
