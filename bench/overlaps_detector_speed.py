"""Speed of the overlap detector on a synthetic register of 50,000 projects (no database).

    ./saan bench overlaps_detector_speed [--projects 50000] [--min-score 0.2] [--checks 30]

The register: projects spread over all 77 provinces (the 13 programme provinces get 40 % of
them), fiscal years 2566–2569 in the usual shapes (full year, half years, calendar year); 80 %
name one to three subdistricts of one district, 15 % a whole district and 5 % a whole province
(both expanded to their subdistricts, as the app does). Wording comes from the evaluation
families with the place, a fiscal-year phrase, a household count and a village name mixed in,
so texts repeat only as much as real registers do (the same programme's wording in many places).

Timed, each as the median of ``--runs`` (after one untimed warm-up where said):
- **candidate step alone** (the baseline): pairs sharing a subdistrict and a day, or
  continuations — ``candidate_pairs()``;
- **full scan**: ``Detector().scan(projects, min_score=…)`` from Facts to sorted findings,
  including segmentation of every text (cold: a new Detector, empty segmentation cache) and
  again warm (the cache kept, as in a long-running worker);
- **check of one new project** against an index of the whole register
  (``Detector.check``): median and max over ``--checks`` new projects (a third subdistrict,
  a third district-wide, a third province-wide), each with its candidate step alone as baseline.
The app helper times the path from the database to Facts separately.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import geothai  # noqa: E402
from overlaps_eval_families import FAMILIES  # noqa: E402

from saan.overlaps.detector import Detector, Facts, candidate_pairs  # noqa: E402

PROGRAMME = ("57", "60", "23", "40", "93", "65", "13", "72", "38", "36", "34", "81", "10")
ORGS = 400
SHAPES = (
    ((10, 1, -1), (9, 30, 0)),
    ((10, 1, -1), (9, 30, 0)),
    ((10, 1, -1), (3, 31, 0)),
    ((4, 1, 0), (9, 30, 0)),
    ((1, 1, 0), (12, 31, 0)),
    ((12, 1, -1), (9, 30, 0)),
)


def areas() -> tuple[list[str], dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    provinces = [p.code for p in geothai.provinces()]
    districts: dict[str, list[str]] = {}
    subs: dict[str, list[tuple[str, str]]] = {}
    for p in provinces:
        districts[p] = [d.code for d in geothai.districts(p)]
        for d in districts[p]:
            subs[d] = [(s.code, s.name_th) for s in geothai.subdistricts(d)]
        districts[p] = [d for d in districts[p] if subs[d]]
    return provinces, districts, subs


def make_register(n: int, seed: int = 50) -> list[Facts]:
    rng = random.Random(seed)
    provinces, districts, subs = areas()
    names = {geothai.province(p).name_th: p for p in provinces}  # type: ignore[union-attr]
    province_name = {v: k for k, v in names.items()}
    others = [p for p in provinces if p not in PROGRAMME]
    out: list[Facts] = []
    for i in range(1, n + 1):
        p = rng.choice(PROGRAMME) if rng.random() < 0.4 else rng.choice(others)
        d = rng.choice(districts[p])
        r = rng.random()
        if r < 0.05:
            codes = [c for dd in districts[p] for c, _ in subs[dd]]
            places: tuple[str, ...] = (province_name[p],)
            where = f"จังหวัด{province_name[p]}"
        elif r < 0.20:
            codes = [c for c, _ in subs[d]]
            dname = geothai.district(d).name_th  # type: ignore[union-attr]
            places = (dname, province_name[p])
            where = f"อำเภอ{dname}"
        else:
            chosen = rng.sample(subs[d], min(len(subs[d]), rng.choice([1, 1, 1, 2, 3])))
            codes = [c for c, _ in chosen]
            places = (*(nm for _, nm in chosen), province_name[p])
            where = " ".join(f"ต.{nm}" for _, nm in chosen)
        fy = rng.choice([2566, 2567, 2568, 2569])
        (m1, d1, y1), (m2, d2, y2) = rng.choice(SHAPES)
        year = fy - 543
        fam = rng.choice(FAMILIES)
        title, text = rng.choice(fam.variants)
        village = rng.choice(subs[d])[1]
        title = title.format(t=where, fy=f"ปีงบประมาณ {fy}")
        text = f"{text} บ้าน{village} จำนวน {rng.randint(10, 400)} ครัวเรือน"
        lead = rng.randrange(1, ORGS)
        out.append(
            Facts(
                id=i,
                organisations=frozenset({lead, rng.randrange(1, ORGS)}),
                lead=lead,
                subdistricts=frozenset(codes),
                start=date(year + y1, m1, d1),
                end=date(year + y2, m2, d2),
                title=title,
                text=text,
                themes=frozenset(fam.themes[: rng.randint(1, len(fam.themes))]),
                target_groups=frozenset(rng.sample(fam.targets, rng.randint(1, len(fam.targets)))),
                place_names=places,
            )
        )
    return out


CPU: list[float] = []


def timed(fn):  # type: ignore[no-untyped-def]
    """Wall seconds and the result; this process's CPU seconds go to CPU[-1] (on a shared
    machine the wall time counts other people's work too)."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    CPU.append(time.process_time() - c0)
    return wall, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--projects", type=int, default=50_000)
    ap.add_argument("--min-score", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--checks", type=int, default=30)
    args = ap.parse_args()

    from benchlib import cpu_cores, cpu_sample, machine_lines

    title = f"Overlap detector speed: {args.projects:,} synthetic projects"
    print(title)
    print("=" * len(title))
    for ml in machine_lines():
        print(ml)
    t_make, register = timed(lambda: make_register(args.projects))
    wide = sum(1 for f in register if len(f.subdistricts) > 3)
    print(f"register:  built in {t_make:.1f} s; {wide:,} district- or province-wide projects")
    print(f"min_score: {args.min_score}")
    print()

    before = cpu_sample()
    cand_times = []
    for _ in range(args.runs):
        t, cands = timed(lambda: candidate_pairs(register))
        cand_times.append(t)
    t_cand = statistics.median(cand_times)
    c_cand = CPU[-1]
    kinds = {k: sum(1 for c in cands if c[2] == k) for k in ("overlap", "continuation")}
    print(
        f"candidate step alone:  {t_cand:6.2f} s wall, {c_cand:6.2f} s CPU  "
        f"({len(cands):,} candidate pairs: {kinds})"
    )

    t_cold, found = timed(lambda: Detector().scan(register, min_score=args.min_score))
    print(
        f"full scan, cold:       {t_cold:6.2f} s wall, {CPU[-1]:6.2f} s CPU  "
        f"({len(found):,} findings; ×{CPU[-1] / c_cand:.1f} the candidate step in CPU; "
        "includes loading the segmenter)"
    )
    det = Detector()
    det.scan(register[:2000], min_score=args.min_score)
    warm = []
    for _ in range(args.runs):
        t, found_w = timed(lambda: det.scan(register, min_score=args.min_score))
        warm.append(t)
    assert len(found_w) == len(found)
    t_warm = statistics.median(warm)
    c_warm = statistics.median(CPU[-args.runs :])
    print(
        f"full scan, warm cache: {t_warm:6.2f} s wall, {c_warm:6.2f} s CPU  "
        f"(×{c_warm / c_cand:.1f} the candidate step in CPU)"
    )
    after = cpu_sample()
    print()

    # Single checks.
    t_index, index = timed(lambda: det.index(register))
    print(f"index of {len(index):,} projects built in {t_index:.1f} s (not part of a check)")
    fresh = make_register(args.checks * 20, seed=51)
    kinds_wanted = [
        lambda f: len(f.subdistricts) <= 3,
        lambda f: 3 < len(f.subdistricts) < 40,
        lambda f: len(f.subdistricts) >= 40,
    ]
    new: list[Facts] = []
    for n in range(args.checks):
        want = kinds_wanted[n % 3]
        pick = next(f for f in fresh if want(f) and f not in new)
        new.append(Facts(**{**{s: getattr(pick, s) for s in Facts.__slots__}, "id": 10**9 + n}))
    base, full, sizes = [], [], []
    for f in new:
        tb, ids = timed(
            lambda f=f: [
                i
                for i in index.candidates(f)
                if det.candidate_kind(f, index.prepared[i].facts) is not None
            ]
        )
        tf, _found = timed(lambda f=f: det.check(f, index, min_score=args.min_score))
        base.append(tb)
        full.append(tf)
        sizes.append(len(ids))
    print(
        f"check one new project: median {statistics.median(full) * 1000:6.1f} ms, "
        f"max {max(full) * 1000:6.1f} ms over {len(new)} projects "
        f"(candidates per check: median {statistics.median(sizes):.0f}, max {max(sizes)})"
    )
    print(
        f"  its candidate step:  median {statistics.median(base) * 1000:6.1f} ms, "
        f"max {max(base) * 1000:6.1f} ms "
        f"(check ×{statistics.median(full) / statistics.median(base):.1f} median)"
    )
    cores = cpu_cores(before, after)
    print()
    print("cores used during the scans: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()))


if __name__ == "__main__":
    main()
