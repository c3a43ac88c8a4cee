"""In a real browser: a coordinator records a meeting with two resolutions, the owner of one
reports it done, and the next meeting's agenda lists only the one still open.

Chromium through Playwright against the live server, with the helpers of
``saan.core.tests.browser``; skipped where /usr/bin/chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from saan.core.tests.browser import DESKTOP, THAI_DATE, label, shoot, tab
from saan.core.thai import thai_date
from saan.forums.models import bangkok_today

pytestmark = pytest.mark.browser


def test_meeting_resolutions_progress_and_the_next_agenda(
    browser: Any, live_server: Any, cast: Any, wg: Any
) -> None:
    today = bangkok_today()
    held, nxt = today - dt.timedelta(days=14), today + dt.timedelta(days=21)
    due_first, due_second = today + dt.timedelta(days=30), today + dt.timedelta(days=120)
    with tab(browser, live_server, user="prapaporn", viewport=DESKTOP) as page:
        # From the main menu to Khon Kaen's working group.
        page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="พื้นที่กลาง").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("พื้นที่กลาง")
        page.locator("main").get_by_role("link", name="จ.ขอนแก่น").first.click()
        page.get_by_role("link", name="คณะทำงานภาคีอาสาจังหวัดขอนแก่น").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("คณะทำงานภาคีอาสาจังหวัดขอนแก่น")

        # Record the meeting that was held.
        page.get_by_role("link", name="บันทึกการประชุม").click()
        page.get_by_label(label("ครั้งที่")).fill("ครั้งที่ 1/2569")
        page.get_by_label(label("วันเวลาเริ่ม")).fill(f"{held.isoformat()}T09:00")
        page.get_by_label(label("สถานที่")).fill("ศาลากลางจังหวัดขอนแก่น")
        page.get_by_label(label("สถานะ")).select_option(label="ประชุมแล้ว")
        page.get_by_label(label("บันทึกการประชุม")).fill("ที่ประชุมรับทราบภาพรวมพื้นที่")
        page.get_by_role("button", name="บันทึก", exact=True).click()
        expect(page.locator(".msg")).to_contain_text("บันทึกการประชุมแล้ว")
        expect(page.locator("dl.facts")).to_contain_text(f"{thai_date(held)} 09:00 น.")

        # Two resolutions, the second with "save and add the next".
        page.get_by_role("link", name="บันทึกมติ").click()
        page.get_by_label(label("มติ")).fill("สำรวจครัวเรือนที่อยู่อาศัยไม่มั่นคงในตำบลนำร่อง")
        page.get_by_label(label("หน่วยงานรับผิดชอบ")).select_option(label="พอช.")
        page.get_by_label(label("กำหนดเสร็จ")).fill(due_first.isoformat())
        page.get_by_role("button", name="บันทึกแล้วเพิ่มมติถัดไป").click()
        expect(page.locator(".msg")).to_contain_text("บันทึกมติแล้ว")
        page.get_by_label(label("มติ")).fill("จัดทำข้อเสนอแผนและงบประมาณร่วมปี 2570")
        page.get_by_label(label("หน่วยงานรับผิดชอบ")).select_option(label="สช.")
        page.get_by_label(label("กำหนดเสร็จ")).fill(due_second.isoformat())
        page.get_by_role("button", name="บันทึก", exact=True).click()
        rows = page.locator("#resolutions table.list tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(thai_date(due_first))
        expect(rows.nth(1)).to_contain_text(THAI_DATE)
        expect(page.locator("#resolutions .badge.overdue")).to_have_count(0)
        shoot(page, "forums-meeting")
        meeting_url = page.url

        # The owner (สมชาย, พอช.) reports the first one done.
        with tab(browser, live_server, user="somchai", viewport=DESKTOP) as somchai:
            somchai.goto(meeting_url)
            somchai.get_by_role("link", name=re.compile("สำรวจครัวเรือนที่อยู่อาศัยไม่มั่นคง")).click()
            somchai.get_by_label(label("ความคืบหน้า")).fill("สำรวจครบ 12 ตำบลแล้ว ส่งข้อมูลเข้าฐานกลาง")
            somchai.get_by_label(label("สถานะหลังรายงาน")).select_option(label="ดำเนินการแล้ว")
            somchai.get_by_role("button", name="บันทึกความคืบหน้า").click()
            expect(somchai.locator(".msg")).to_contain_text("บันทึกความคืบหน้าแล้ว")
            expect(somchai.locator("main p .badge").first).to_have_text("ดำเนินการแล้ว")
            expect(somchai.locator("#progress")).to_contain_text("สมชาย ใจดี (พอช.)")

        # The coordinator plans the next meeting: only the open resolution is on its agenda.
        page.goto(meeting_url)
        page.locator("ol.breadcrumbs").get_by_role(
            "link", name="คณะทำงานภาคีอาสาจังหวัดขอนแก่น"
        ).click()
        page.get_by_role("link", name="บันทึกการประชุม").click()
        page.get_by_label(label("ครั้งที่")).fill("ครั้งที่ 2/2569")
        page.get_by_label(label("วันเวลาเริ่ม")).fill(f"{nxt.isoformat()}T09:30")
        page.get_by_role("button", name="บันทึก", exact=True).click()
        agenda = page.locator("#agenda ol.agenda-list")
        expect(agenda.locator("> li")).to_have_count(1)
        expect(agenda).to_contain_text("จัดทำข้อเสนอแผนและงบประมาณร่วมปี 2570")
        expect(agenda).not_to_contain_text("สำรวจครัวเรือนที่อยู่อาศัยไม่มั่นคง")
        expect(agenda).to_contain_text("ติดตามมติเดิม")
        shoot(page, "forums-next-agenda")

        # The invitation shows the date in พ.ศ.
        page.get_by_role("link", name="หนังสือเชิญประชุม").click()
        expect(page.locator("dd.when")).to_have_text(thai_date(nxt, long=True))
