"""Latency of the province page and the national overview under 16 concurrent clients, against a
static file served by the same server.

    ./saan bench province_page [--requests N] [--clients N] …       # temporary SQLite file
    scripts/pg-temp -- ./saan bench province_page                   # throwaway PostgreSQL

Prepares an empty database the way ``./saan serve`` does (migrate, load_areas, load_reference,
collectstatic into a temporary STATIC_ROOT), counts each page's queries once in-process, then
starts gunicorn (``saan.wsgi``, 2 workers x 4 threads, SAAN_DEBUG=0) on a free port of
127.0.0.1 and drives it with 16 client threads, each on its own keep-alive ``http.client``
connection. For each URL in turn: an untimed warm-up, then a fixed number of requests (default
2,000) or a time limit (default 60 s), whichever comes first. The server is stopped at the end,
also after an error or Ctrl+C.

The baseline is the site's stylesheet (its hashed name from the manifest) served by WhiteNoise
through the same gunicorn, middleware stack and client: the same HTTP path with no view,
template or database behind it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import benchlib

HEADERS = ["url", "what", "bytes", "ok", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s"]
HEADERS += ["p50/static", "p95/static"]
PAGES = [("/areas/40/", "province page (Khon Kaen)"), ("/", "national overview")]


@dataclass
class Result:
    path: str
    label: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    body_bytes: int = 0
    stopped_by_time: bool = False
    cpu: dict[str, float] = field(default_factory=dict)  # average cores busy, by whom

    def ms(self, p: float) -> float:
        return benchlib.percentile(sorted(self.latencies), p) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


# ------------------------------------------------------------------------------ preparation


def prepare_site() -> str:
    """Migrate, load the reference data, collect static files; the stylesheet's URL."""
    from django.core.management import call_command
    from django.templatetags.static import static

    steps: list[tuple[str, dict[str, Any]]] = [
        ("migrate", {"interactive": False, "verbosity": 0}),
        ("load_areas", {}),
        ("load_reference", {}),
        ("collectstatic", {"interactive": False, "verbosity": 0}),
    ]
    for name, options in steps:
        start = time.perf_counter()
        call_command(name, stdout=StringIO(), **options)
        print(f"{name}: {time.perf_counter() - start:.2f} s")
    return static("saan/saan.css")  # the hashed name, from the manifest collectstatic wrote


def count_queries(paths: list[str]) -> None:
    """Each page's SQL queries and in-process render time (Django's test client, one thread,
    no HTTP): what the server does per request before any concurrency."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    for path in paths:
        client.get(path)  # first request fills the template and URL caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        # Now: the captured list is a slice of the connection's log, which the next request
        # clears.
        query_count = len(queries.captured_queries)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        rows.append(
            [
                path,
                str(query_count),
                f"{len(response.content):,}",
                f"{benchlib.median(times) * 1000:.1f}",
            ]
        )
    print()
    print("in-process, one request at a time (Django test client, median of 20):")
    print(benchlib.table(["url", "queries", "bytes", "ms"], rows))


# ----------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    src = str(benchlib.ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    command = [
        *(sys.executable, "-m", "gunicorn", "saan.wsgi"),
        *("--bind", f"127.0.0.1:{port}"),
        *("--workers", str(workers), "--threads", str(threads)),
        *("--error-logfile", str(log), "--log-level", "warning"),
    ]
    print(f"server: {' '.join(command[1:])}")
    return subprocess.Popen(command, env=env, cwd=benchlib.ROOT, stdin=subprocess.DEVNULL)


def wait_until_ready(server: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {path} within 60 s:\n{tail(log)}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the gunicorn master (it stops its workers), SIGKILL if it lingers."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"server stopped (exit status {server.returncode})")


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ----------------------------------------------------------------------------------- client


results_lock = threading.Lock()


class Budget:
    """Requests left to send, shared by the client threads."""

    def __init__(self, total: int, deadline: float) -> None:
        self.left = total
        self.deadline = deadline
        self.timed_out = False
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            if time.perf_counter() >= self.deadline:
                self.timed_out = True
                return False
            self.left -= 1
            return True


# What every client sends with each request; a caller may add a session cookie.
REQUEST_HEADERS = {"Accept-Language": "th"}


def client_thread(port: int, path: str, budget: Budget, start: threading.Barrier, out: Result):
    latencies: list[float] = []
    errors: list[str] = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start.wait()
    while budget.take():
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers=REQUEST_HEADERS)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{exc.__class__.__name__}: {exc}")
            connection.close()  # the next request opens a new connection
            continue
        elapsed = time.perf_counter() - began
        if response.status != 200 or not body:
            errors.append(f"HTTP {response.status}, {len(body)} bytes")
            continue
        latencies.append(elapsed)
        out.body_bytes = len(body)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
    connection.close()
    with results_lock:
        out.latencies.extend(latencies)
        out.errors.extend(errors)


def drive(port: int, path: str, requests: int, clients: int, time_limit: float) -> Result:
    """``requests`` GETs of ``path`` from ``clients`` threads, or until ``time_limit`` runs out."""
    result = Result(path=path, label="")
    barrier = threading.Barrier(clients + 1)
    budget = Budget(requests, deadline=float("inf"))
    threads = [
        # Daemon threads: an interrupted run exits at once instead of draining its budget.
        threading.Thread(
            target=client_thread, args=(port, path, budget, barrier, result), daemon=True
        )
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    budget.deadline = began + time_limit
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    result.stopped_by_time = budget.timed_out
    return result


def measure(
    port: int,
    path: str,
    label: str,
    roots: dict[str, int | None],
    args: argparse.Namespace,
) -> Result:
    warm = drive(port, path, args.warmup, args.clients, args.time_limit)
    if warm.errors:
        raise SystemExit(f"warm-up of {path} failed: {warm.errors[:3]}")
    before = benchlib.cpu_sample(**roots)
    result = drive(port, path, args.requests, args.clients, args.time_limit)
    result.cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(**roots))
    result.label = label
    stop = "time limit" if result.stopped_by_time else "request count"
    print(
        f"  {path}: {len(result.latencies):,} ok, {len(result.errors)} errors in "
        f"{result.seconds:.1f} s (stopped by {stop})"
    )
    return result


# ----------------------------------------------------------------------------------- report


def report(results: list[Result], args: argparse.Namespace) -> None:
    base = results[0]
    rows = []
    for r in results:
        is_base = r is base
        rows.append(
            [
                r.path,
                r.label,
                f"{r.body_bytes:,}",
                f"{len(r.latencies):,}",
                str(len(r.errors)),
                f"{r.ms(50):.1f}",
                f"{r.ms(95):.1f}",
                f"{r.ms(99):.1f}",
                f"{r.rate:,.0f}",
                "baseline" if is_base else f"{r.ms(50) / base.ms(50):.1f}x",
                "baseline" if is_base else f"{r.ms(95) / base.ms(95):.1f}x",
            ]
        )
    print()
    print(
        f"{args.clients} concurrent keep-alive clients, gunicorn {args.workers} workers x "
        f"{args.threads} threads; latency = request sent to body read, in the client:"
    )
    print(
        benchlib.table(
            HEADERS,
            rows,
        )
    )
    print()
    postgres = "postgres" in base.cpu
    print(
        f"CPU during each measurement, average cores busy (of {os.cpu_count()}): the whole "
        "machine, the client (this process), gunicorn (master + workers), "
        + ("PostgreSQL (server + backends), " if postgres else "")
        + "and everything else on the machine; then server-side CPU per request:"
    )
    columns = ["machine", "own", "server", *(["postgres"] if postgres else []), "other"]

    def per_request(r: Result, key: str) -> float:
        return r.cpu[key] * r.seconds / max(len(r.latencies), 1) * 1000

    def server_side(r: Result) -> float:
        return per_request(r, "server") + (per_request(r, "postgres") if postgres else 0.0)

    cpu_rows = []
    for r in results:
        cpu_rows.append(
            [r.path]
            + [f"{r.cpu[k]:.2f}" for k in columns]
            + [f"{per_request(r, 'server'):.2f}"]
            + ([f"{per_request(r, 'postgres'):.2f}"] if postgres else [])
            + ["baseline" if r is base else f"{server_side(r) / server_side(base):.0f}x"]
        )
    headers = ["url", "machine", "client", "gunicorn", *(["postgres"] if postgres else [])]
    headers += ["else", "gunicorn ms/req", *(["postgres ms/req"] if postgres else [])]
    headers += ["vs static"]
    print(benchlib.table(headers, cpu_rows))
    noisiest = max(r.cpu["other"] for r in results)
    print(
        f"everything else on the machine used up to {noisiest:.2f} cores (of {os.cpu_count()}) "
        "during a measurement" + (": the figures above are disturbed" if noisiest > 0.3 else "")
    )
    for r in results:
        for error in sorted(set(r.errors))[:5]:
            print(f"  error on {r.path}: {error}")


def run(args: argparse.Namespace, tmp: Path) -> None:
    static_url = prepare_site()
    count_queries([path for path, _ in PAGES])
    from django.db import connections

    postmaster = benchlib.postmaster_pid()  # None for SQLite, or a server we cannot see
    connections.close_all()  # the server has its own connections; ours would only idle

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
        results = [measure(port, static_url, "static file (WhiteNoise)", roots, args)]
        for path, label in PAGES:
            results.append(measure(port, path, label, roots, args))
        if server.poll() is not None:
            raise SystemExit(f"gunicorn died during the run:\n{tail(log)}")
    finally:
        stop_server(server)
    report(results, args)
    if log.exists() and log.stat().st_size:
        print(f"\nserver log (last lines):\n{tail(log, 10)}")
    print(f"\nload avg after: {benchlib.load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per URL (default 2000)")
    parser.add_argument("--warmup", type=int, default=160, help="per URL, untimed (default 160)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per URL (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    args = parser.parse_args()
    if min(args.requests, args.clients, args.workers, args.threads) < 1 or args.warmup < 0:
        parser.error("counts must be positive")
    # SIGTERM (pg-temp's or anyone's) unwinds through the finally blocks that stop the server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        os.environ["SAAN_STATIC_ROOT"] = str(Path(tmp) / "static")
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: province_page", label)
        run(args, Path(tmp))


if __name__ == "__main__":
    main()
