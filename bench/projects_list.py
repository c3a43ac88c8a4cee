"""Latency of the work register's pages with 100,000 projects, under 16 concurrent clients signed
in as an administrator, against a static file served by the same server.

    ./saan bench projects_list [--projects N] [--requests N] …        # temporary SQLite file
    scripts/pg-temp -- ./saan bench projects_list                      # throwaway PostgreSQL

Prepares an empty database (migrate, load_areas, load_reference, collectstatic into a temporary
STATIC_ROOT) and loads N synthetic projects (default 100,000; the generator of
``projects_import``: one in ten in ขอนแก่น, fiscal years 2566–2569, one in seven titled about
ผู้สูงอายุ) with the raw bulk path (COPY / executemany: projects, areas, budget lines, lead
roles, themes), then ANALYZE. An administrator's session is created in-process; every request
carries its cookie.

Each page's SQL queries and in-process time are counted first (Django's test client, signed
in). Then gunicorn (``saan.wsgi``, 2 workers x 4 threads, SAAN_DEBUG=0) is driven by 16 client
threads on keep-alive connections, as ``province_page`` does: per URL an untimed warm-up, then
a fixed number of requests (default 1,000) or a time limit (default 60 s).

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
    """Queries and in-process time per page for the signed-in administrator; the slowest
    queries of each page with where they were sent from."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie, HTTP_ACCEPT_LANGUAGE="th")
    rows = []
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process")
        captured = list(queries.captured_queries)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        sql_ms = sum(float(q["time"]) for q in captured) * 1000
        rows.append(
            [
                path,
                str(len(captured)),
                f"{sql_ms:.1f}",
                f"{len(response.content):,}",
                f"{benchlib.median(times) * 1000:.1f}",
            ]
        )
        slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
        print(f"\n{path}: slowest queries")
        for q in slowest:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    print()
    print("in-process, one request at a time (Django test client, signed in, median of 5):")
    print(benchlib.table(["url", "queries", "SQL ms", "bytes", "ms"], rows))


def client_thread(
    port: int, path: str, cookie: str, budget: Budget, start: threading.Barrier, out: Result
) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"Accept-Language": "th", "Cookie": cookie}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start.wait()
    while budget.take():
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
            errors.append(f"HTTP {response.status}, {len(body)} bytes")
            continue
        latencies.append(elapsed)
        out.body_bytes = len(body)
    connection.close()
    with lock:
        out.latencies.extend(latencies)
        out.errors.extend(errors)


lock = threading.Lock()


def drive(port: int, path: str, cookie: str, requests: int, args: argparse.Namespace) -> Result:
    result = Result(path=path, label="")
    barrier = threading.Barrier(args.clients + 1)
    budget = Budget(requests, deadline=float("inf"))
    threads = [
        threading.Thread(
            target=client_thread,
            args=(port, path, cookie, budget, barrier, result),
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
    port: int, path: str, label: str, cookie: str, roots: dict, args: argparse.Namespace
) -> Result:
    warm = drive(port, path, cookie, args.warmup, args)
    if warm.errors:
        raise SystemExit(f"warm-up of {path} failed: {warm.errors[:3]}")
    before = benchlib.cpu_sample(**roots)
    result = drive(port, path, cookie, args.requests, args)
    result.cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(**roots))
    result.label = label
    stop = "time limit" if result.stopped_by_time else "request count"
    print(
        f"  {path}: {len(result.latencies):,} ok, {len(result.errors)} errors in "
        f"{result.seconds:.1f} s (stopped by {stop})",
        flush=True,
    )
    return result


def run(args: argparse.Namespace, tmp: Path) -> None:
    from django.db import connections

    static_url, cookie = prepare(args)
    count_queries([path for path, _ in PAGES], cookie)
    if args.in_process:
        return
    postmaster = benchlib.postmaster_pid()
    connections.close_all()

    port = free_port()
    log = tmp / "gunicorn.log"
    print()
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
        results = [measure(port, static_url, "static file (WhiteNoise)", cookie, roots, args)]
        for path, label in PAGES:
            results.append(measure(port, path, label, cookie, roots, args))
        if server.poll() is not None:
            raise SystemExit(f"gunicorn died during the run:\n{tail(log)}")
    finally:
        stop_server(server)
    report(results, args)
    for r in results[1:]:
        verdict = "meets" if r.ms(95) < TARGET_MS else "misses"
        print(f"target p95 < {TARGET_MS} ms: {r.path} {verdict} it ({r.ms(95):.0f} ms)")
    if log.exists() and log.stat().st_size:
        print(f"\nserver log (last lines):\n{tail(log, 10)}")
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
