"""Shared helpers for Saan's benchmarks: which database, which machine, small statistics.

Not a benchmark itself; ``./saan bench benchlib`` only prints the machine description.

The database comes from ``DATABASE_URL`` exactly as the site reads it. Without one, a benchmark
uses a new SQLite file in a temporary directory, never ``var/saan.sqlite3``. Either way the
database must be empty (no tables) when the benchmark starts: benchmarks migrate it and then
delete and rewrite rows, which must never happen to a database someone cares about.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(tmp: Path) -> str:
    """Set the environment the settings read, before Django starts. Returns a label for the
    database: "temporary SQLite file" or "DATABASE_URL"."""
    # DEBUG keeps every query in memory and changes static-file storage: never what we measure.
    os.environ["SAAN_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saan.settings")
    os.environ["SAAN_DATA_DIR"] = str(tmp / "data")
    if os.environ.get("DATABASE_URL", "").strip():
        return "DATABASE_URL"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    return "temporary SQLite file"


def require_empty_database() -> None:
    """Stop unless the database has no tables at all."""
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        sys.stderr.write(
            f"bench: the database at DATABASE_URL already has {len(tables)} tables. Benchmarks "
            "need an empty database because they delete and rewrite rows. Leave DATABASE_URL "
            "unset (a temporary SQLite file is used) or run under scripts/pg-temp.\n"
        )
        raise SystemExit(2)


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        settings = connection.settings_dict
        return f"PostgreSQL {version} at {settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} at {connection.settings_dict['NAME']}"
    return connection.vendor


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def code_version() -> str:
    """The commit being measured, and whether the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        # A tree exported with `git archive` has no .git; its exporter can say what it is.
        return os.environ.get("SAAN_BENCH_CODE", "unknown (not a git checkout)")
    return f"{head} (+ uncommitted changes)" if dirty else head


def machine_lines() -> list[str]:
    memory = memory_gib()
    return [
        f"date:      {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}",
        f"cpu:       {cpu_model()}, {os.cpu_count()} cores"
        + (f", {memory:.1f} GiB RAM" if memory else ""),
        f"load avg:  {load_average()} (1/5/15 min, before the run)",
        f"python:    {platform.python_version()} ({sys.executable})",
    ]


def print_header(title: str, database_label: str) -> None:
    import django
    import geothai

    print(title)
    print("=" * len(title))
    print(f"database:  {database_description()} ({database_label})")
    for line in machine_lines():
        print(line)
    print(f"django:    {django.get_version()}, geothai data {geothai.DATA_VERSION}")
    print(f"code:      {code_version()}")
    print()


# ------------------------------------------------------------------- who used the CPU, and how much

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_busy_seconds() -> float:
    """CPU seconds all cores have spent not idle since boot (0 where /proc is missing)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS  # user..steal; guest is already in user


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: fields 3 (state) onwards."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def process_seconds(pid: int) -> float:
    """CPU seconds of one process (all threads) plus its children that have exited and been
    waited for, which is where the CPU of a finished worker or backend ends up; 0 if gone."""
    rest = _stat_fields(pid)
    if not rest:
        return 0.0
    return sum(int(rest[i]) for i in (11, 12, 13, 14)) / TICKS  # utime stime cutime cstime


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            rest = _stat_fields(int(entry.name))
            if rest and int(rest[1]) == pid:
                found.append(int(entry.name))
    return found


def tree_seconds(pid: int | None) -> float:
    """CPU seconds of a process and its live children (one level, as gunicorn and PostgreSQL
    are organised)."""
    if pid is None:
        return 0.0
    return process_seconds(pid) + sum(process_seconds(c) for c in children_of(pid))


def postmaster_pid() -> int | None:
    """The PostgreSQL server behind DATABASE_URL, if it runs on this machine and we can see it
    (a pg-temp cluster): the ``postgres`` process started with ``-p PORT``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    port = str(connection.settings_dict.get("PORT") or "5432")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv if a]
        if args and Path(args[0]).name == "postgres" and port in _port_args(args):
            return int(entry.name)
    return None


def _port_args(args: list[str]) -> list[str]:
    ports = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-p"]
    return ports + [a[2:] for a in args if a.startswith("-p") and len(a) > 2]


@dataclass
class CpuSample:
    wall: float
    machine: float
    own: float
    groups: dict[str, float]


def cpu_sample(**roots: int | None) -> CpuSample:
    """A snapshot to diff: wall clock, the machine's busy CPU seconds, this process's CPU
    seconds, and those of each named process tree (``server=pid, postgres=pid``)."""
    return CpuSample(
        wall=time.perf_counter(),
        machine=_machine_busy_seconds(),
        own=time.process_time(),
        groups={name: tree_seconds(pid) for name, pid in roots.items()},
    )


def cpu_cores(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """Average cores busy between two samples: ``machine``, ``own`` (this process), each named
    tree, and ``other``: everything else running on the machine."""
    wall = after.wall - before.wall or float("nan")
    cores = {
        "machine": (after.machine - before.machine) / wall,
        "own": (after.own - before.own) / wall,
    }
    for name in after.groups:
        cores[name] = (after.groups[name] - before.groups[name]) / wall
    cores["other"] = cores["machine"] - sum(v for k, v in cores.items() if k != "machine")
    return cores


# ---------------------------------------------------------------------------------- statistics


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def temporary_directory() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="saan-bench-")


if __name__ == "__main__":
    for text in machine_lines():
        print(text)
