"""The central space in English (the project's catalogue, src/saan/locale/en): headings and the
main menu carry no Thai; data such as mechanism names stays as entered."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from saan.forums.tests.conftest import make_meeting, resolve

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0E00-\u0E7F]")


def test_area_page_and_menu_in_english(cast: Any, wg: Any, client: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    resolve(cast, meeting, "สำรวจที่อยู่อาศัย", "พอช.", dt.date(2026, 6, 30))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/forums/area/40/").content.decode()
    nav = re.search(r'<nav [^>]*class="mainnav".*?</nav>', page, re.S)
    assert nav and not THAI.search(nav.group(0))
    h2s = re.findall(r"<h2>(.*?)</h2>", page)
    assert len(h2s) == 5 and not any(THAI.search(h) for h in h2s), h2s
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert h1 and "Khon Kaen" in h1.group(1) and not THAI.search(h1.group(1))
    mine = client.get("/forums/area/40/resolutions/").content.decode()
    assert not THAI.search(re.search(r"<h1>(.*?)</h1>", mine, re.S).group(1))
