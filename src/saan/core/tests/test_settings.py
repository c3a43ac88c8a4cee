"""Start-up configuration errors are one clear line, not a traceback."""

import os
import subprocess
import sys

import pytest


def start(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "saan.settings"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "url", ["not a url", "postgres://user:pass@host:notaport/db", "mysql://u:p@localhost/saan"]
)
def test_a_bad_database_url_is_one_clear_line(url):
    result = start(url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and "Traceback" not in result.stderr


def test_a_good_database_url_starts(tmp_path):
    result = start(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 0, result.stderr
