"""In a real browser on a phone: the subdistrict volunteer records the members' savings for the
welfare fund, sees the balance rise, and is told in Thai why a grant larger than the balance is
refused. Skipped where /usr/bin/chromium is missing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from saan.core.tests.browser import label, page_widths, shoot, tab
from saan.funds.models import Entry

pytestmark = pytest.mark.browser


def test_a_volunteer_records_savings_on_a_phone_and_sees_the_balance(
    browser: Any, live_server: Any, cast: Any, fund: Any
) -> None:
    phone = {"width": 360, "height": 780}
    with tab(browser, live_server, user="boonmee", viewport=phone) as page:
        page.goto("/funds/?area=400108")
        page.locator("main").get_by_role("link", name=fund.name).click()
        expect(page.locator("#fund-balance")).to_have_text("10,000 บาท")

        page.locator("main").get_by_role("link", name="บันทึกรายการ").click()
        page.get_by_label(label("ประเภทรายการ")).select_option(label="รายรับ")
        page.get_by_label(label("จำนวนเงิน (บาท)")).fill("๑,๕๐๐")
        page.get_by_label(label("แหล่งรายรับ")).select_option(label="เงินสมทบของสมาชิก")
        page.get_by_label(label("เลขที่เอกสาร")).fill("สจ.001")
        scroll, _inner, layout = page_widths(page)
        assert scroll <= layout, "the entry form is wider than the phone"
        page.get_by_role("button", name="บันทึก").click()
        expect(page.locator("#fund-balance")).to_have_text("11,500 บาท")
        expect(page.locator("#ledger-rows")).to_contain_text("สจ.001")
        scroll, _inner, layout = page_widths(page)
        assert scroll <= layout, "the fund page is wider than the phone"
        shoot(page, "funds-phone-balance")

        page.locator("main").get_by_role("link", name="บันทึกรายการ").click()
        page.get_by_label(label("ประเภทรายการ")).select_option(label="จ่ายทุน / สวัสดิการ")
        page.get_by_label(label("จำนวนเงิน (บาท)")).fill("20,000")
        page.get_by_label(label("หมวดการจ่าย")).select_option(label="เจ็บป่วย")
        page.get_by_label(label("ผู้รับ / กลุ่มผู้รับ")).fill("นายทดลอง ระบบ")
        page.get_by_role("button", name="บันทึก").click()
        expect(page.get_by_role("alert").first).to_contain_text("ติดลบ")
        assert Entry.objects.filter(fund=fund).count() == 1
