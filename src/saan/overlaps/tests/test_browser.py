"""In a real browser: ขอนแก่น's coordinator opens the province's overlaps from the main menu,
confirms the likely duplicate, links the two projects as joint work, and sees the link on both
project pages.

Chromium through Playwright against the live server, with the helpers of
``saan.core.tests.browser``; skipped where /usr/bin/chromium is missing.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from saan.core.tests.browser import DESKTOP, shoot, tab
from saan.overlaps.models import FindingState
from saan.overlaps.tests.helpers import finding, scan

pytestmark = pytest.mark.browser


def test_the_coordinator_confirms_an_overlap_and_links_the_projects_as_joint_work(
    browser: Any, live_server: Any, cast: Any, scene: Any
) -> None:
    scan("40")
    with tab(browser, live_server, user="prapaporn", viewport=DESKTOP) as page:
        page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="งานซ้ำซ้อน").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("จ.ขอนแก่น")
        row = page.locator("#findings table.list tbody tr").filter(has_text=scene.elders_codi.title)
        row = row.filter(has_text=scene.elders_thf.title)
        expect(row).to_contain_text("ทำงานในตำบลเดียวกัน")
        row.get_by_role("link", name="พิจารณา").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("ข้อสังเกตงานซ้ำซ้อน")
        shoot(page, "overlaps-finding")

        page.get_by_role("button", name="ยืนยัน", exact=True).click()
        expect(page.locator(".msg")).to_contain_text("ยืนยันว่าเป็นงานซ้ำซ้อนแล้ว")
        page.get_by_role("button", name="เชื่อมเป็นงานร่วม", exact=True).click()
        expect(page.locator(".msg")).to_contain_text("เชื่อมสองโครงการเป็นงานร่วมแล้ว")
        expect(page.locator("main")).to_contain_text("เชื่อมเป็นงานร่วม")

        f = finding(scene.elders_thf, scene.elders_codi)
        assert f.state == FindingState.RESOLVED and f.decision == "link"

        for project, other in (
            (scene.elders_thf, scene.elders_codi),
            (scene.elders_codi, scene.elders_thf),
        ):
            page.get_by_role("link", name=project.title).first.click()
            panel = page.locator("#overlaps")
            expect(panel).to_contain_text("ทำงานร่วมกับ")
            expect(panel.get_by_role("link", name=other.title)).to_be_visible()
            expect(page.locator("main")).to_contain_text(other.owner.label)
            shoot(page, f"overlaps-project-{project.pk}")
            page.go_back()
