"""Helpers for the real-browser tests in ``test_browser.py``: where Chromium lives, how to start
it on a machine without network, and small checks on what a person sees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = "Debian's chromium is not installed at /usr/bin/chromium; .ci/run installs it"

# Playwright's own browser download cannot work here, so it drives Debian's Chromium. The machine
# has no network: without the background-networking flags Chromium floods refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Screenshots for people to look at; outside the repository on purpose.
SHOTS = Path("/tmp/saan-shots")  # noqa: S108 - a fixed, well-known place for the lead to look

# ``23 ต.ค. 2569``: a day, a short Thai month and a Buddhist-Era year.
THAI_DATE = re.compile(
    r"\d{1,2} "
    r"(ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.)"
    r" 25\d\d"
)


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the sign-in page the way a person does: by the field labels. The page's
    context carries the live server's address as its base URL."""
    page.goto("/accounts/login/")
    # Django's labels end in a colon: "รหัสผ่าน:".
    page.get_by_label(re.compile(r"^ชื่อผู้ใช้หรืออีเมล:?$")).fill(username)
    page.get_by_label(re.compile(r"^รหัสผ่าน:?$")).fill(password)
    page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state()


def page_widths(page: Any) -> tuple[int, int, int]:
    """(the document's scroll width, the window's inner width, the layout width) in CSS pixels.

    A phone shows a page wider than its screen by zooming out, and that widens
    ``window.innerWidth`` too; ``documentElement.clientWidth`` stays the screen's width.
    """
    scroll, inner, layout = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.documentElement.clientWidth]"
    )
    return int(scroll), int(inner), int(layout)


def shoot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
