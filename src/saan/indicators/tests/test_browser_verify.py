"""Real-browser test of the volunteer's flow: Chromium on a phone-sized screen, driven by
Playwright's sync API against pytest-django's live server, with the helpers of
``saan.core.tests.browser``. Asserts what a person sees, in Thai.

``live_server`` makes the test transactional (the database is flushed afterwards), so it asks
for ``cast``, which reloads the area tree, the reference data and the indicator catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from saan.conftest import PASSWORD
from saan.core.tests.browser import PHONE, PHONE_TAB, page_widths, shoot, sign_in, tab
from saan.indicators.tests.scene import build

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Any, live_server: Any, reference: None) -> Iterator[Any]:
    """A phone-sized tab (390×844) that honours the page's viewport meta tag, as a phone does."""
    with tab(browser, live_server, **PHONE_TAB) as page:
        yield page


def _verified_count(page: Any) -> int:
    page.goto("/indicators/area/40/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ภาพข้อมูลพื้นที่ จ.ขอนแก่น")
    return int(page.locator("#verified-count").inner_text().replace(",", ""))


def _fits(page: Any, what: str) -> None:
    scroll, inner, layout = page_widths(page)
    assert layout == PHONE["width"]
    assert scroll <= inner + 1 and inner <= layout + 1, f"{what} scrolls sideways ({scroll}px)"


def test_volunteer_verifies_a_value_on_a_phone_and_the_province_counts_it(
    phone: Any, cast: Any
) -> None:
    build(entered_by=cast.admin)
    sign_in(phone, "boonmee", PASSWORD)
    expect(phone.locator("header .who")).to_have_text("บุญมี แก้วประเสริฐ")

    before = _verified_count(phone)
    expect(phone.locator("#coverage-line")).to_contain_text("รายงานแล้ว 3/199 ตำบล")
    _fits(phone, "the province picture")

    # From ต.สาวะถี's picture to its verification page.
    phone.goto("/indicators/area/400108/")
    phone.get_by_role("link", name="สอบทานข้อมูลตำบลนี้").click()
    expect(phone).to_have_url(re.compile(r"/indicators/area/400108/verify/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("สอบทานข้อมูล ต.สาวะถี")
    _fits(phone, "the verification page")
    shoot(phone, "indicators-verify-phone-before")

    card = phone.locator("#card-tpmap-poor-hh")
    expect(card.get_by_role("heading", level=2)).to_have_text("ครัวเรือนยากจนเป้าหมาย (TPMAP)")
    expect(card.locator(".badge")).to_have_text("ยังไม่สอบทาน")
    expect(card.locator(".big")).to_contain_text("300")
    # htmx swaps the card in place: a full page load would wipe this marker.
    phone.evaluate("() => { window.__sameDocument = true }")
    card.get_by_label("บันทึกการสอบทาน").fill("สอบทานแล้ว 12 ครัวเรือนย้ายออก")
    with phone.expect_response(
        lambda r: (
            "/verify/tpmap-poor-hh/verify/" in r.url
            and r.request.headers.get("hx-request") == "true"
        )
    ):
        card.get_by_role("button", name="สอบทานแล้ว").tap()

    card = phone.locator("#card-tpmap-poor-hh")
    expect(card.locator(".badge")).to_have_text("สอบทานแล้ว")
    expect(card.get_by_role("status")).to_have_text("บันทึกการสอบทานแล้ว")
    expect(card.locator(".note")).to_contain_text("สอบทานแล้ว 12 ครัวเรือนย้ายออก")
    expect(card.locator(".note")).to_contain_text("บุญมี แก้วประเสริฐ")
    expect(card.get_by_role("button", name="สอบทานแล้ว")).to_have_count(0)  # done, no second time
    expect(card.get_by_role("button", name="รับรอง")).to_have_count(0)  # a volunteer cannot accept
    assert phone.evaluate("() => window.__sameDocument === true"), "the page reloaded"
    shoot(phone, "indicators-verify-phone-after")

    # The province's picture counts the verification at once.
    assert _verified_count(phone) == before + 1
    shoot(phone, "indicators-picture-40-phone")


def test_district_coordinator_verifies_several_values_at_once_on_a_phone(
    phone: Any, cast: Any
) -> None:
    build(entered_by=cast.admin)
    sign_in(phone, "prapaporn", PASSWORD)
    phone.goto("/indicators/area/4001/?period=2025Oct")
    phone.get_by_role("link", name="ค่าที่รอสอบทานทั้งอำเภอ").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("ค่าที่รอสอบทานทั้งอำเภอ อ.เมืองขอนแก่น")
    _fits(phone, "the district's pending values")
    group = phone.locator('fieldset[data-area="400108"]')
    boxes = group.get_by_role("checkbox")
    count = boxes.count()
    assert count >= 2
    for i in range(count):
        boxes.nth(i).tap()
    phone.get_by_label("บันทึกการสอบทาน (ถ้ามี)").fill("ลงพื้นที่ 28 พ.ย.")
    phone.get_by_role("button", name="สอบทานค่าที่เลือก").tap()
    expect(phone.locator("body")).to_contain_text(f"สอบทานแล้ว {count} ค่า")
    # ต.สาวะถี's values are verified now (still listed, waiting to be accepted).
    expect(phone.locator('fieldset[data-area="400108"] .badge.state-entered')).to_have_count(0)
    shoot(phone, "indicators-pending-district-phone")
