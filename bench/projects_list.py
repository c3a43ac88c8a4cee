"""Latency of the work register's pages with 100,000 projects, under 16 concurrent clients signed
in as an administrator, against a static file served by the same server: warm (page fragments
cached, what a room of people opening the same province sees), cold (``SAAN_PAGE_CACHE=0``:
every request draws everything, what the first view after each change costs) and a mixed
workload (the 13 programme provinces x 4 fiscal years, so most requests ask for another page).

    ./saan bench projects_list [--projects N] [--requests N] …        # temporary SQLite file
    scripts/pg-temp -- ./saan bench projects_list                      # throwaway PostgreSQL

Prepares an empty database (migrate, load_areas, load_reference, collectstatic into a temporary
STATIC_ROOT) and loads N synthetic projects (default 100,000; the generator of
``projects_import``: one in ten in ขอนแก่น, fiscal years 2566–2569, one in seven titled about
ผู้สูงอายุ) with the raw bulk path (COPY / executemany: projects, areas, budget lines, lead
roles, themes), then ANALYZE. An administrator's session is created in-process; every request
carries its cookie.

Each page's SQL queries and in-process CPU time per request are measured first (Django's test
client, signed in): cold (fragment caching off) and warm (a repeat view, served from the cache).
Then gunicorn (``saan.wsgi``, 2 workers x 4 threads, SAAN_DEBUG=0) is driven by 16 client
threads on keep-alive connections, as ``province_page`` does: per URL an untimed warm-up, then
a fixed number of requests (default 1,000) or a time limit (default 60 s). Three runs: warm
(the server as configured: fragments cached), cold (a second server started with
``SAAN_PAGE_CACHE=0``: the same URLs, every request drawn afresh) and mixed (the clients cycle
over the province page and the filtered list of each programme province and fiscal year
2566–2569, with fragment caching on, after no warm-up: a mix of first views and repeats).

The baseline is the site's stylesheet served by WhiteNoise through the same gunicorn,
middleware stack, client and cookie.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import sys
import threading
import time
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import benchlib
import projects_import
from province_page import (
    Budget,
    Result,
    free_port,
    report,
    start_server,
    stop_server,
    tail,
    wait_until_ready,
)

PAGES = [
    ("/areas/40/", "province page (Khon Kaen)"),
    ("/projects/?area=40&fy=2568", "register, area=40, FY 2568"),
    (f"/projects/?area=40&fy=2568&q={quote('ผู้สูงอายุ')}", "same + q=ผู้สูงอายุ"),
]
TARGET_MS = 150


def prepare(args: argparse.Namespace) -> tuple[str, str]:
    """The database with N projects; (the stylesheet's URL, an admin session cookie)."""
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client

    context = projects_import.setup()
    seconds, _ = projects_import.timed(
        lambda: call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
    )
    print(f"collectstatic: {seconds:.2f} s")
    rows = projects_import.dataset(args.projects, context)
    tuples = projects_import.raw_tuples(rows, context.user.pk, full=True)
    seconds, _ = projects_import.timed(lambda: projects_import.raw_insert(tuples))
    from django.db import transaction

    from saan.projects import summary

    def rebuild() -> None:
        with transaction.atomic():
            summary.rebuild()

    summary_seconds, _ = projects_import.timed(rebuild)
    projects_import.analyze()
    print(f"work summary rebuilt from the loaded rows: {summary_seconds:.2f} s")
    in_kk = sum(1 for r in rows if r.area.startswith("40"))
    in_kk_2568 = sum(1 for r in rows if r.area.startswith("40") and r.fiscal_year == 2568)
    print(
        f"bulk load {len(rows):,} projects: {seconds:.2f} s; in ขอนแก่น: {in_kk:,}, "
        f"of them FY 2568: {in_kk_2568:,}"
    )
    client = Client()
    client.force_login(context.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return static("saan/saan.css"), cookie


def count_queries(paths: list[str], cookie: str) -> None:
    """Queries and in-process CPU time per page for the signed-in administrator, cold
    (fragment caching off: everything drawn) and warm (a repeat view); the slowest queries of
    each cold page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_COOKIE=cookie, HTTP_ACCEPT_LANGUAGE="th")

    class Queries:
        """The SQL a block sends, with how long each statement took."""

        def __init__(self) -> None:
            self.captured: list[tuple[str, float]] = []

        def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.captured.append((sql, time.perf_counter() - began))

    def timed(path: str) -> tuple[float, float]:
        """Median wall and CPU ms of 11 requests."""
        walls, cpus = [], []
        for _ in range(11):
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        return benchlib.median(walls) * 1000, benchlib.median(cpus) * 1000

    rows = []
    for path in paths:
        with override_settings(SAAN_PAGE_CACHE=False):
            client.get(path)
            queries = Queries()
            with connection.execute_wrapper(queries):
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code} in-process")
            cold_wall, cold_cpu = timed(path)
        captured = queries.captured
        cache.clear()
        client.get(path)
        warm_queries = Queries()
        with connection.execute_wrapper(warm_queries):
            client.get(path)
        warm_wall, warm_cpu = timed(path)
        sql_ms = sum(seconds for _sql, seconds in captured) * 1000
        rows.append(
            [
                path,
                str(len(captured)),
                f"{sql_ms:.1f}",
                f"{len(response.content):,}",
                f"{cold_wall:.1f}",
                f"{cold_cpu:.1f}",
                str(len(warm_queries.captured)),
                f"{warm_wall:.1f}",
                f"{warm_cpu:.1f}",
            ]
        )
        slowest = sorted(captured, key=lambda q: q[1], reverse=True)[:3]
        print(f"\n{path}: slowest queries (cold)")
        for sql, seconds in slowest:
            print(f"  {seconds * 1000:7.1f} ms  {sql[:300]}")
    print()
    print(
        "in-process, one request at a time (Django test client, signed in, median of 11; CPU = "
        "this process, without the database server's): cold = fragment caching off, warm = a "
        "repeat view"
    )
    headers = ["url", "queries", "SQL ms", "bytes", "cold ms", "cold CPU ms"]
    headers += ["warm queries", "warm ms", "warm CPU ms"]
    print(benchlib.table(headers, rows))


def mixed_paths() -> list[tuple[str, str]]:
    """The province page and the filtered list of each programme province and fiscal year
    2566–2569 (the 13 provinces of the programme's phases; every province if none)."""
    from saan.areas.models import Area
    from saan.areas.overview import province_tiles

    tiles, _phases = province_tiles()
    codes = sorted(t.area.code for t in tiles if t.phase) or sorted(
        Area.objects.provinces().values_list("code", flat=True)
    )
    paths = []
    for year in (2566, 2567, 2568, 2569):
        for code in codes:
            paths.append((f"/projects/?area={code}&fy={year}", "list"))
            if year == 2566:
                paths.append((f"/areas/{code}/", "province"))
    return paths


class Cycle:
    """The paths the clients take in turn (one path, or a mixed workload)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.next = 0
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            path = self.paths[self.next % len(self.paths)]
            self.next += 1
            return path


def client_thread(
    port: int, paths: Cycle, cookie: str, budget: Budget, start: threading.Barrier, out: Result
) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"Accept-Language": "th", "Cookie": cookie}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start.wait()
    while budget.take():
        path = paths.take()
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{exc.__class__.__name__}: {exc}")
            connection.close()
            continue
        elapsed = time.perf_counter() - began
        if response.status != 200 or not body:
            errors.append(f"{path}: HTTP {response.status}, {len(body)} bytes")
            continue
        latencies.append(elapsed)
        out.body_bytes = len(body)
    connection.close()
    with lock:
        out.latencies.extend(latencies)
        out.errors.extend(errors)


lock = threading.Lock()


def drive(
    port: int, paths: list[str], cookie: str, requests: int, args: argparse.Namespace
) -> Result:
    result = Result(path=paths[0] if len(paths) == 1 else f"mixed: {len(paths)} URLs", label="")
    barrier = threading.Barrier(args.clients + 1)
    budget = Budget(requests, deadline=float("inf"))
    cycle = Cycle(paths)
    threads = [
        threading.Thread(
            target=client_thread,
            args=(port, cycle, cookie, budget, barrier, result),
            daemon=True,
        )
        for _ in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    budget.deadline = began + args.time_limit
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    result.stopped_by_time = budget.timed_out
    return result


def measure(
    port: int,
    paths: list[str],
    label: str,
    cookie: str,
    roots: dict,
    args: argparse.Namespace,
    *,
    warmup: bool = True,
) -> Result:
    if warmup:
        warm = drive(port, paths, cookie, args.warmup, args)
        if warm.errors:
            raise SystemExit(f"warm-up of {paths[0]} failed: {warm.errors[:3]}")
    before = benchlib.cpu_sample(**roots)
    result = drive(port, paths, cookie, args.requests, args)
    result.cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(**roots))
    result.label = label
    stop = "time limit" if result.stopped_by_time else "request count"
    print(
        f"  {result.path}: {len(result.latencies):,} ok, {len(result.errors)} errors in "
        f"{result.seconds:.1f} s (stopped by {stop})",
        flush=True,
    )
    return result


def load_run(
    title: str,
    cache_on: bool,
    static_url: str,
    cookie: str,
    mixed: list[str] | None,
    tmp: Path,
    args: argparse.Namespace,
) -> list[Result]:
    """Start gunicorn (with or without fragment caching), measure the static file and the
    pages (and the mixed workload), stop it, report."""
    postmaster = benchlib.postmaster_pid()
    port = free_port()
    log = tmp / f"gunicorn-{'warm' if cache_on else 'cold'}.log"
    os.environ["SAAN_PAGE_CACHE"] = "1" if cache_on else "0"
    print(f"\n== {title}")
    server = start_server(port, args.workers, args.threads, log)
    try:
        wait_until_ready(server, port, static_url, log)
        print(
            f"load: warm-up {args.warmup:,} requests, then {args.requests:,} requests or "
            f"{args.time_limit:g} s per URL"
        )
        roots: dict[str, int | None] = {"server": server.pid}
        if postmaster:
            roots["postgres"] = postmaster
        results = [measure(port, [static_url], "static file (WhiteNoise)", cookie, roots, args)]
        for path, label in PAGES:
            results.append(measure(port, [path], label, cookie, roots, args))
        if mixed:
            results.append(
                measure(port, mixed, "mixed, no warm-up", cookie, roots, args, warmup=False)
            )
        if server.poll() is not None:
            raise SystemExit(f"gunicorn died during the run:\n{tail(log)}")
    finally:
        stop_server(server)
    report(results, args)
    for r in results[1:]:
        verdict = "meets" if r.ms(95) < TARGET_MS else "misses"
        print(f"target p95 < {TARGET_MS} ms ({title}): {r.path} {verdict} it ({r.ms(95):.0f} ms)")
    if log.exists() and log.stat().st_size:
        print(f"\nserver log (last lines):\n{tail(log, 10)}")
    return results


def run(args: argparse.Namespace, tmp: Path) -> None:
    from django.db import connections

    static_url, cookie = prepare(args)
    count_queries([path for path, _ in PAGES], cookie)
    if args.in_process:
        return
    mixed = [path for path, _ in mixed_paths()] if not args.no_mixed else None
    if mixed:
        print(f"\nmixed workload: {len(mixed)} URLs, e.g. {mixed[0]}, {mixed[1]}")
    connections.close_all()
    load_run("warm: fragments cached (the default)", True, static_url, cookie, mixed, tmp, args)
    if not args.warm_only:
        load_run("cold: SAAN_PAGE_CACHE=0", False, static_url, cookie, mixed, tmp, args)
    print(f"\nload avg after: {benchlib.load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000, help="(default 100000)")
    parser.add_argument("--requests", type=int, default=1000, help="per URL (default 1000)")
    parser.add_argument("--warmup", type=int, default=48, help="per URL, untimed (default 48)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per URL (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument(
        "--in-process", action="store_true", help="only the in-process figures, no server load"
    )
    parser.add_argument(
        "--warm-only", action="store_true", help="no second server with SAAN_PAGE_CACHE=0"
    )
    parser.add_argument("--no-mixed", action="store_true", help="no mixed workload")
    args = parser.parse_args()
    if min(args.projects, args.requests, args.clients, args.workers, args.threads) < 1:
        parser.error("counts must be positive")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        os.environ["SAAN_STATIC_ROOT"] = str(Path(tmp) / "static")
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: projects_list", label)
        run(args, Path(tmp))


if __name__ == "__main__":
    main()
