"""Helpers for the real-browser tests (marker ``browser``) of every app: where Chromium lives, how
to start it on a machine without network, a fresh tab signed in as a persona, and small checks on
what a person sees. The ``browser`` fixture in ``saan/conftest.py`` starts Chromium through
:func:`running_chromium`, once per test module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from saan.conftest import PASSWORD

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
# A phone-sized tab (390×844) that honours the page's viewport meta tag, as a phone does.
PHONE_TAB: dict[str, Any] = {
    "viewport": PHONE,
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}

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


def running_chromium() -> Iterator[Any]:
    """Chromium, for the lifetime of a module-scoped fixture; skips where it is missing.

    Playwright's sync API keeps an asyncio event loop marked as running on this thread, so
    Django's async-safety check refuses the ORM calls that fixtures (``reference``, ``cast``, the
    flush after each test) make with "You cannot call this from an async context". Those calls
    are ordinary synchronous code between browser steps, never inside a coroutine, so lifting the
    check while the browser runs is safe.
    """
    if not CHROMIUM.exists():
        pytest.skip(MISSING_CHROMIUM)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            yield chromium
            chromium.close()


@contextmanager
def tab(
    browser: Any,
    live_server: Any,
    *,
    user: str | None = None,
    timeout: int = 10_000,
    **options: Any,
) -> Iterator[Any]:
    """A page in a fresh context (cookies, storage) on the live server, in Thai, signed in as
    ``user`` (a persona of ``saan.conftest``, whose password is ``PASSWORD``) when one is given.
    ``options`` go to ``browser.new_context`` (``viewport=DESKTOP``, ``**PHONE_TAB``, …). The
    context is closed afterwards, also when the test fails."""
    context = browser.new_context(base_url=live_server.url, locale="th-TH", **options)
    context.set_default_timeout(timeout)
    try:
        page = context.new_page()
        if user is not None:
            sign_in(page, user, PASSWORD)
        yield page
    finally:
        context.close()


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the sign-in page the way a person does: by the field labels. The page's
    context carries the live server's address as its base URL."""
    page.goto("/accounts/login/")
    # Django's labels end in a colon: "รหัสผ่าน:".
    page.get_by_label(re.compile(r"^ชื่อผู้ใช้หรืออีเมล:?$")).fill(username)
    page.get_by_label(re.compile(r"^รหัสผ่าน:?$")).fill(password)
    page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state()


def label(text: str) -> re.Pattern[str]:
    """A form field's label exactly, with or without the colon Django adds."""
    return re.compile(rf"^{re.escape(text)}:?$")


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
