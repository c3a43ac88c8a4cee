"""In a real browser: a focal point (สมชาย, editor of พอช. in ขอนแก่น) pledges to an item of the
province's joint plan, and the coordinator's funding matrix shows it; the plan fits a phone.

Chromium through Playwright against the live server, with the helpers of
``saan.core.tests.browser``; skipped where /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from saan.conftest import PASSWORD
from saan.core.tests.browser import (
    CHROMIUM,
    DESKTOP,
    MISSING_CHROMIUM,
    PHONE,
    launch,
    page_widths,
    shoot,
    sign_in,
)
from saan.plans.models import Contribution

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(MISSING_CHROMIUM)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop marked as running on this thread; the ORM
        # calls between browser steps (fixtures, the flush after each test) are synchronous.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            yield chromium
            chromium.close()


def _label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(text)}:?$")


def test_a_focal_point_pledges_and_the_coordinator_sees_it(
    browser: Any, live_server: Any, cast: Any, plan: Any
) -> None:
    focal = browser.new_context(base_url=live_server.url, locale="th-TH", viewport=DESKTOP)
    focal.set_default_timeout(10_000)
    page = focal.new_page()
    sign_in(page, "somchai", PASSWORD)
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="แผนร่วม").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    page.get_by_role("link", name="บันทึกการสมทบ").first.click()
    page.get_by_label(_label("แหล่งงบประมาณ")).select_option(label="งบ พอช.")
    page.get_by_label(_label("ให้คำมั่น (บาท)")).fill("80,000")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.get_by_text("บันทึกการสมทบแล้ว")).to_be_visible()
    expect(page.locator("table.list")).to_contain_text("80,000 บาท")
    shoot(page, "plans-pledged")
    c = Contribution.objects.get()
    assert (c.organisation.short_name, str(c.pledged), c.created_by) == (
        "พอช.",
        "80000.00",
        cast.somchai,
    )
    focal.close()

    coordinator = browser.new_context(base_url=live_server.url, locale="th-TH", viewport=DESKTOP)
    coordinator.set_default_timeout(10_000)
    page = coordinator.new_page()
    sign_in(page, "prapaporn", PASSWORD)
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="ตารางภาคี × เป้าหมาย").click()
    row = page.locator("table.matrix tbody tr").filter(has_text="พอช.")
    expect(row).to_contain_text("80,000 บาท")
    # Committed is still nothing: the matrix at that stage has no พอช. row.
    page.get_by_label("ขั้นของเงิน").select_option("committed")
    expect(page.locator("table.matrix tbody")).not_to_contain_text("พอช.")
    shoot(page, "plans-matrix")
    coordinator.close()


def test_the_plan_fits_a_phone(browser: Any, live_server: Any, cast: Any, plan: Any) -> None:
    phone = browser.new_context(
        base_url=live_server.url,
        locale="th-TH",
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    for path in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/matrix/", f"/plans/{plan.pk}/sources/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        scroll, inner, layout = page_widths(page)
        assert scroll <= inner + 1 and inner <= layout + 1, f"{path} scrolls sideways"
    shoot(page, "plans-phone")
    phone.close()
