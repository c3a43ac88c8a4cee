"""In a real browser: a focal point (สมชาย, editor of พอช. in ขอนแก่น) pledges to an item of the
province's joint plan, and the coordinator's funding matrix shows it; the plan fits a phone.

Chromium through Playwright against the live server, with the helpers of
``saan.core.tests.browser``; skipped where /usr/bin/chromium is missing.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from saan.core.tests.browser import DESKTOP, PHONE_TAB, label, page_widths, shoot, tab
from saan.plans.models import Contribution

pytestmark = pytest.mark.browser


def test_a_focal_point_pledges_and_the_coordinator_sees_it(
    browser: Any, live_server: Any, cast: Any, plan: Any
) -> None:
    with tab(browser, live_server, user="somchai", viewport=DESKTOP) as page:
        page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="แผนร่วม").click()
        page.get_by_role("link", name=plan.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
        page.get_by_role("link", name="บันทึกการสมทบ").first.click()
        page.get_by_label(label("แหล่งงบประมาณ")).select_option(label="งบ พอช.")
        page.get_by_label(label("ให้คำมั่น (บาท)")).fill("80,000")
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

    with tab(browser, live_server, user="prapaporn", viewport=DESKTOP) as page:
        page.goto(f"/plans/{plan.pk}/")
        page.get_by_role("link", name="ตารางภาคี × เป้าหมาย").click()
        row = page.locator("table.matrix tbody tr").filter(has_text="พอช.")
        expect(row).to_contain_text("80,000 บาท")
        # Committed is still nothing: the matrix at that stage has no พอช. row.
        page.get_by_label("ขั้นของเงิน").select_option("committed")
        expect(page.locator("table.matrix tbody")).not_to_contain_text("พอช.")
        shoot(page, "plans-matrix")


def test_the_plan_fits_a_phone(browser: Any, live_server: Any, cast: Any, plan: Any) -> None:
    with tab(browser, live_server, **PHONE_TAB) as page:
        for path in (
            f"/plans/{plan.pk}/",
            f"/plans/{plan.pk}/matrix/",
            f"/plans/{plan.pk}/sources/",
        ):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            scroll, inner, layout = page_widths(page)
            assert scroll <= inner + 1 and inner <= layout + 1, f"{path} scrolls sideways"
        shoot(page, "plans-phone")
