"""Overlap detection at register scale: a full scan of N projects loaded from the database, and
the check of one new project against them, each against the candidate step alone.

    ./saan bench overlaps_scan [--projects N] [--checks N]      # temporary SQLite file
    scripts/pg-temp -- ./saan bench overlaps_scan               # throwaway PostgreSQL

Prepares an empty database (migrate, load_areas, load_reference) and loads N synthetic projects
(default 50,000) with the raw bulk path of ``projects_import`` (the generator of that benchmark:
real subdistrict codes, one in ten district-wide, one in ten in ขอนแก่น, fiscal years
2566–2569 with full-year dates, seven title stems, a theme and a lead role each), then ANALYZE.

Times, in the same run and on the same rows:

* **facts**: ``saan.overlaps.facts.load_facts()`` for the whole country (projects, areas
  expanded from districts to subdistricts, roles, themes, targets, place names);
* **candidate step alone** (the scan's baseline): ``detector.candidate_pairs`` on those facts,
  the pairs that share a subdistrict and a day (or continue each other), nothing scored;
* **detector scan**: ``Detector.scan`` on the facts (candidates, Thai word segmentation,
  synonyms, scores), from the seeded synonym table;
* **full scan, end to end**: ``detection.scan_run`` for the whole country as the background task
  runs it: facts, scan, and writing every finding (first run: all created);
* **check one new project**: ``detection.check_unsaved`` for a project not yet saved in a busy
  ขอนแก่น subdistrict (what the project form asks before saving), median of ``--checks`` runs
  over different subdistricts; its baseline is the candidate query alone
  (``facts.candidate_ids``);
* **re-check one saved project**: ``detection.check_projects([id])`` (what runs after a save).
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import statistics
import sys
from pathlib import Path

import benchlib
import projects_import


def run(args: argparse.Namespace) -> None:
    from saan.areas.models import Area, Level
    from saan.overlaps import detection, facts, services
    from saan.overlaps.detector import candidate_pairs
    from saan.overlaps.models import Finding, ScanRun
    from saan.partners.models import Organisation
    from saan.projects.models import Theme

    context = projects_import.setup()
    rows = projects_import.dataset(args.projects, context)
    tuples = projects_import.raw_tuples(rows, context.user.pk, full=True)
    seconds, _ = projects_import.timed(lambda: projects_import.raw_insert(tuples))
    projects_import.analyze()
    print(f"bulk load {len(rows):,} projects: {seconds:.2f} s")
    services.seed_synonyms()

    facts_seconds, loaded = projects_import.timed(lambda: facts.load_facts())
    cand_seconds, pairs = projects_import.timed(lambda: candidate_pairs(loaded))
    det = detection.detector()
    scan_seconds, matches = projects_import.timed(
        lambda: det.scan(loaded, min_score=detection.FLOOR)
    )
    print(
        f"facts: {len(loaded):,} projects, "
        f"{sum(len(f.subdistricts) for f in loaded):,} project-subdistricts after expansion"
    )
    print(
        f"candidate pairs: {len(pairs):,}; findings at score >= {detection.FLOOR}: {len(matches):,}"
    )

    run_obj = ScanRun.objects.create(area_code="", started_by=context.user)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    full_seconds, run_obj = projects_import.timed(lambda: detection.scan_run(run_obj))
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(f"full scan counts: {run_obj.counts}")
    assert Finding.objects.count() == run_obj.counts["created"]

    # One new project in a busy ขอนแก่น subdistrict, against the whole register.
    owner = Organisation.objects.filter(is_strategic_partner=True).order_by("pk").first()
    theme = Theme.objects.get(slug="ageing")
    busy = [
        code
        for code in Area.objects.filter(level=Level.SUBDISTRICT, code__startswith="40")
        .order_by("code")
        .values_list("code", flat=True)
    ][: max(1, args.checks)]
    check_times, candidate_times, sizes = [], [], []
    for code in busy:
        new = facts.facts_from_values(
            pk=-1,
            owner_id=owner.pk if owner else None,
            title="ส่งเสริมสุขภาพผู้สูงวัยในชุมชน เยี่ยมบ้านผู้สูงอายุติดเตียง",
            text="อาสาสมัครเยี่ยมบ้านดูแลผู้สูงอายุที่มีภาวะพึ่งพิง",
            start=dt.date(2024, 11, 1),
            end=dt.date(2025, 9, 30),
            area_codes=[code],
            theme_ids=[theme.pk],
        )
        seconds, ids = projects_import.timed(lambda n=new: facts.candidate_ids(n))
        candidate_times.append(seconds)
        sizes.append(len(ids))
        seconds, _ = projects_import.timed(lambda n=new: detection.check_unsaved(n))
        check_times.append(seconds)
    some = Finding.objects.order_by("pk").values_list("project_a_id", flat=True).first()
    recheck_times = []
    for _ in range(max(1, min(args.checks, 10))):
        seconds, _ = projects_import.timed(lambda: detection.check_projects([some]))
        recheck_times.append(seconds)

    print()
    check_ms = statistics.median(check_times) * 1000
    cand_ms = statistics.median(candidate_times) * 1000
    print(
        benchlib.table(
            ["what", "seconds", "vs candidate step"],
            [
                ["load facts (whole country)", f"{facts_seconds:.2f}", ""],
                ["candidate step alone (baseline)", f"{cand_seconds:.2f}", "baseline"],
                [
                    "Detector.scan (candidates + scoring)",
                    f"{scan_seconds:.2f}",
                    f"{scan_seconds / cand_seconds:.1f}x",
                ],
                [
                    "full scan end to end (facts + scan + write findings)",
                    f"{full_seconds:.2f}",
                    f"{full_seconds / cand_seconds:.1f}x",
                ],
            ],
        )
    )
    print()
    print(
        benchlib.table(
            ["one project against the register", "median ms", "vs candidate query"],
            [
                [
                    "candidate query alone (baseline; "
                    f"median {statistics.median(sizes):.0f} candidates)",
                    f"{cand_ms:.1f}",
                    "baseline",
                ],
                ["check_unsaved (before saving)", f"{check_ms:.1f}", f"{check_ms / cand_ms:.1f}x"],
                [
                    "check_projects([id]) (after a save, with findings written)",
                    f"{statistics.median(recheck_times) * 1000:.1f}",
                    f"{statistics.median(recheck_times) * 1000 / cand_ms:.1f}x",
                ],
            ],
        )
    )
    print(
        f"targets: full scan of {args.projects:,} under 30 s: "
        f"{'meets' if full_seconds < 30 else 'misses'} it ({full_seconds:.1f} s); one check under "
        f"200 ms: {'meets' if check_ms < 200 else 'misses'} it ({check_ms:.0f} ms)"
    )
    print(f"\nload avg after: {benchlib.load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=50_000, help="projects (default 50000)")
    parser.add_argument("--checks", type=int, default=20, help="single checks to time (20)")
    parser.add_argument("--profile", action="store_true", help="profile the full scan")
    args = parser.parse_args()
    if args.projects < 1:
        parser.error("--projects must be positive")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: overlaps_scan", label)
        run(args)


if __name__ == "__main__":
    main()
