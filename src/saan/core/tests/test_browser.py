"""Real-browser tests: Chromium, driven by Playwright's sync API, against pytest-django's live
server. Each test asserts what a person sees, in Thai.

One browser per module, a fresh context (cookies, storage) per test. ``live_server`` makes every
test here transactional: the database is flushed afterwards, so the tests ask for ``reference``
(and ``cast``), which reload the area tree and reference groups when they are missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import geothai
import pytest
from playwright.sync_api import expect

from saan.conftest import PASSWORD
from saan.core.tests.browser import (
    DESKTOP,
    PHONE,
    PHONE_TAB,
    THAI_DATE,
    page_widths,
    shoot,
    sign_in,
    tab,
)
from saan.core.thai import thai_date

pytestmark = pytest.mark.browser

DATA_VERSION_LINE = re.compile(rf"ข้อมูลพื้นที่ฉบับ {THAI_DATE.pattern}")


@pytest.fixture
def page(browser: Any, live_server: Any, reference: None) -> Iterator[Any]:
    """A desktop-sized tab in a fresh context."""
    with tab(browser, live_server, viewport=DESKTOP) as page:
        yield page


@pytest.fixture
def phone(browser: Any, live_server: Any, reference: None) -> Iterator[Any]:
    """A phone-sized tab (390×844) that honours the page's viewport meta tag, as a phone does."""
    with tab(browser, live_server, **PHONE_TAB) as page:
        yield page


def _heading(page: Any) -> Any:
    return page.get_by_role("heading", level=1)


def _data_version(page: Any) -> Any:
    return page.locator("main p").filter(has_text="ข้อมูลพื้นที่ฉบับ")


def test_coordinator_walks_from_sign_in_to_a_subdistrict(page: Any, cast: Any) -> None:
    sign_in(page, "prapaporn", PASSWORD)

    # "My areas": who I am and the role I hold.
    expect(page).to_have_url(re.compile(r"/accounts/me/$"))
    expect(_heading(page)).to_have_text("พื้นที่ของฉัน")
    expect(page.locator("header .who")).to_have_text("ประภาพร ศรีวงศ์")
    khon_kaen_row = page.locator("table.list tbody tr").filter(has_text="จ.ขอนแก่น")
    expect(khon_kaen_row).to_have_count(1)
    expect(khon_kaen_row).to_contain_text("ผู้ประสานงานพื้นที่")
    expect(khon_kaen_row).to_contain_text("สช.")

    # The national overview: 77 province tiles, ขอนแก่น in phase 1, phase 2's dates in พ.ศ.
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="ภาพรวมประเทศ").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(_heading(page)).to_have_text("ภาพรวมประเทศ")
    expect(page.locator(".tilemap a.tile")).to_have_count(77)
    khon_kaen = page.locator('.tilemap a.tile[data-code="40"]')
    expect(khon_kaen).to_have_text("ขอนแก่น")
    expect(khon_kaen).to_have_class(re.compile(r"\bphase1\b"))
    phase2 = page.locator("section.card").filter(has=page.locator(".badge.phase2"))
    expect(phase2).to_have_count(1)
    expect(phase2).to_contain_text("1 มิ.ย. 2569")  # Phase 2 starts 2026-06-01
    shoot(page, "national-overview")

    # Province → district → subdistrict, by clicking.
    khon_kaen.click()
    expect(page).to_have_url(re.compile(r"/areas/40/$"))
    expect(_heading(page)).to_contain_text("จ.ขอนแก่น")
    expect(_heading(page).locator(".code")).to_have_text("40")
    expect(_data_version(page)).to_have_text(DATA_VERSION_LINE)

    page.locator("ul.children").get_by_role("link", name="อ.เมืองขอนแก่น").click()
    expect(page).to_have_url(re.compile(r"/areas/4001/$"))
    expect(_heading(page)).to_contain_text("อ.เมืองขอนแก่น")
    expect(_heading(page).locator(".code")).to_have_text("4001")
    expect(_data_version(page)).to_have_text(DATA_VERSION_LINE)

    page.locator("ul.children").get_by_role("link", name="ต.สาวะถี").click()
    expect(page).to_have_url(re.compile(r"/areas/400108/$"))
    expect(_heading(page)).to_contain_text("ต.สาวะถี")
    expect(_heading(page).locator(".code")).to_have_text("400108")
    expect(page.locator("ol.breadcrumbs li")).to_have_text(
        ["ประเทศไทย", "จ.ขอนแก่น", "อ.เมืองขอนแก่น", "ต.สาวะถี"]
    )
    # The reference data's version, as a Thai date: geothai's 2026.10.23 reads 23 ต.ค. 2569.
    version = dt.date(*(int(part) for part in geothai.DATA_VERSION.split(".")))
    expect(_data_version(page)).to_have_text(DATA_VERSION_LINE)
    expect(_data_version(page)).to_have_text(f"ข้อมูลพื้นที่ฉบับ {thai_date(version)}")
    shoot(page, "subdistrict-400108")


def test_live_search_updates_results_in_place(page: Any) -> None:
    page.goto("/areas/search/")
    expect(_heading(page)).to_have_text("ค้นหาพื้นที่")
    # A full page load would wipe this marker; htmx swapping the results keeps it.
    page.evaluate("() => { window.__sameDocument = true }")

    with page.expect_response(
        lambda r: "/areas/search/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("ชื่อหรือรหัสพื้นที่").press_sequentially("สาวะถี อ.เมือง", delay=20)

    first = page.locator("#search-results ul.results li").first
    expect(first.get_by_role("link")).to_have_attribute("href", "/areas/400108/")
    expect(first).to_contain_text("ต.สาวะถี")
    expect(page.locator("#search-results")).to_contain_text("พบ")
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded"
    expect(page).to_have_url(re.compile(r"/areas/search/\?q="))  # hx-push-url keeps it linkable


def test_wrong_password_is_refused_in_thai(page: Any, cast: Any) -> None:
    sign_in(page, "prapaporn", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(_heading(page)).to_have_text("เข้าสู่ระบบ")
    expect(page.locator("header .who")).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/?view=list", "/areas/40/"])
def test_pages_fit_a_phone_screen(phone: Any, path: str) -> None:
    phone.goto(path)
    expect(_heading(phone)).to_be_visible()
    if path == "/?view=list":
        # The list stacks into labelled rows on a phone: label and value side by side.
        first_row = phone.locator("table.list tbody tr").first
        expect(first_row.locator("td").nth(1)).to_be_visible()
        expect(phone.locator("table.list thead")).to_be_hidden()
        expect(phone.locator("table.list tbody tr")).to_have_count(77)
    scroll, inner, layout = page_widths(phone)
    assert layout == PHONE["width"]
    # No sideways scrolling: nothing wider than the window, and the phone did not zoom out.
    assert scroll <= inner + 1 and inner <= layout + 1, (
        f"{path} is {scroll}px wide on a {layout}px phone: it scrolls sideways"
    )


def test_switching_to_english_and_back(page: Any) -> None:
    page.goto("/areas/40/")
    expect(_heading(page)).to_contain_text("จ.ขอนแก่น")
    expect(page.locator("html")).to_have_attribute("lang", "th")

    page.locator("header").get_by_role("button", name="EN").click()
    expect(page).to_have_url(re.compile(r"/areas/40/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(_heading(page)).to_contain_text("Khon Kaen")
    expect(_heading(page)).not_to_contain_text("จ.ขอนแก่น")

    page.locator("header").get_by_role("button", name="ไทย").click()
    expect(page).to_have_url(re.compile(r"/areas/40/$"))
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(_heading(page)).to_contain_text("จ.ขอนแก่น")


def test_the_menu_folds_behind_one_button_on_a_phone(phone: Any, page: Any) -> None:
    """A phone shows one menu button instead of rows of links; pressing it opens the menu."""
    phone.goto("/areas/40/")
    menu = phone.get_by_role("navigation", name="เมนูหลัก")
    button = phone.get_by_role("button", name="เมนู")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="ทะเบียนงาน").click()
    expect(phone).to_have_url(re.compile(r"/projects/$"))
    # A wide screen shows the links themselves and no button.
    page.goto("/areas/40/")
    expect(page.get_by_role("navigation", name="เมนูหลัก")).to_be_visible()
    expect(page.get_by_role("button", name="เมนู")).to_be_hidden()
