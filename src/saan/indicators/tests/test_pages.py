"""Indicator pages: the catalogue, one indicator across the country, the area picture and the
volunteer's verification page, with who may see and do what."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from saan.audit.models import AuditEvent
from saan.indicators.models import DataValue, Rollup, State
from saan.indicators.tests.scene import FY68, FY69, build

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def row(page, indicator):
    """The table row of one indicator on the area picture."""
    match = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {indicator}"
    return match.group(1)


def cells(html):
    return re.findall(r'<td data-label="[^"]*" class="num">(.*?)</td>', html, re.S)


@pytest.fixture
def scene(cast):
    return build(entered_by=cast.admin)


# ------------------------------------------------------------------------------- catalogue


def test_catalogue_groups_indicators_and_explains_the_aggregation(client, scene):
    page = text(client.get("/indicators/"))
    assert "<h1>ตัวชี้วัดและข้อมูลพื้นที่</h1>" in page
    for section in ("ข้อมูลพื้นฐานของพื้นที่", "ความยากจนและความเหลื่อมล้ำ", "ความสุขและความอยู่ดีมีสุข 6 มิติ"):
        assert section in page
    rate = re.search(r'<li id="tpmap-poor-hh-rate">(.*?)</li>\s*(?=<li id=|</ul>)', page, re.S)
    assert rate and "ไม่ใช่ค่าเฉลี่ยของอัตรา" in rate.group(1) and "× ผลรวมของ" in rate.group(1)
    happiness = re.search(r'<li id="happiness-index">(.*?)</li>\s*(?=<li id=|</ul>)', page, re.S)
    assert happiness and "ค่าเฉลี่ยถ่วงน้ำหนักด้วย “ประชากรตามทะเบียนราษฎร”" in happiness.group(1)
    assert 'id="happiness-governance"' in page and "ข้อมูลพื้นที่" in page  # the nav link


def test_partners_only_indicators_are_listed_only_for_members(client, cast, scene):
    assert 'id="bedridden"' not in text(client.get("/indicators/"))
    client.force_login(cast.volunteer)
    page = text(client.get("/indicators/"))
    assert 'id="bedridden"' in page and "เฉพาะภาคีในพื้นที่" in page


def test_the_area_page_links_to_its_picture(client, reference):
    assert 'href="/indicators/area/40/"' in text(client.get("/areas/40/"))


# ------------------------------------------------------------------------ one indicator, country


def test_indicator_page_shades_provinces_and_ranks_them(client, scene):
    page = text(client.get("/indicators/tpmap-poor-hh-rate/"))
    assert page.count("data-code=") >= 77 * 2  # every tile and every ranked row
    khon_kaen = re.search(r'<a class="tile valued" style="([^"]*)"[^>]*data-code="40"', page)
    trat = re.search(r'<a class="tile valued" style="([^"]*)"[^>]*data-code="23"', page)
    assert khon_kaen and trat
    # Lower is better: 6.0 per 100 falls in the 4–7 band (yellow), ตราด's 2.0 in 2–4 (light green).
    assert "#fee08b" in khon_kaen.group(1) and "#91cf60" in trat.group(1)
    assert "ยิ่งน้อยยิ่งดี: สีแดงคือค่าสูง" in page
    ranked = re.findall(r'<tr data-code="(\d\d)">', page)
    assert ranked[:2] == ["40", "23"]  # the highest value first, then provinces without data
    assert "ระยะที่ 1" in page and "เขตสุขภาพที่ 7" in page  # group figures


def test_a_partners_only_indicator_shows_only_the_provinces_a_grant_reaches(client, cast, scene):
    assert client.get("/indicators/bedridden/").status_code == 404
    client.force_login(cast.trat)
    page = text(client.get("/indicators/bedridden/"))
    assert 'class="tile valued"' in page
    assert re.search(r'class="tile valued"[^>]*data-code="23"', page)
    assert not re.search(r'class="tile valued"[^>]*data-code="40"', page)
    assert re.search(r'class="tile hidden-tile"[^>]*data-code="40"', page)
    assert "แสดงเฉพาะจังหวัดที่คุณมีสิทธิ์" in page


def test_unknown_indicator_is_a_404(client, reference):
    assert client.get("/indicators/no-such-thing/").status_code == 404


# ------------------------------------------------------------------------------- area picture


def test_picture_numbers_are_the_rollups(client, scene):
    page = text(client.get("/indicators/area/40/", {"period": FY69}))
    assert "<h1>ภาพข้อมูลพื้นที่ จ.ขอนแก่น" in page and "ปีงบประมาณ 2569" in page
    rate = scene["tpmap-poor-hh-rate"]
    province = Rollup.objects.get(indicator=rate, area_code="40", period=FY69, breakdown="")
    country = Rollup.objects.get(indicator=rate, area_code="", period=FY69, breakdown="")
    assert province.value == Decimal(6)  # 900 ÷ 15,000 × 100, not the mean of the rates (8.0)
    own, zone, whole = cells(row(page, "tpmap-poor-hh-rate"))
    assert f"{province.value:.1f}" in own and "6.0" in own and "เขตสุขภาพที่ 7" in page
    assert "6.0" in zone  # health region 7: only ขอนแก่น has reported
    assert f"{country.value:.1f}" in whole and "5.6" in whole
    happiness = Rollup.objects.get(
        indicator=scene["happiness-index"], area_code="40", period=FY69, breakdown=""
    )
    assert f"{happiness.value:.2f}" == "6.58"
    assert "6.58" in cells(row(page, "happiness-index"))[0]
    assert "48,000" in cells(row(page, "pop-total"))[0]


def test_picture_of_a_subdistrict_compares_with_district_province_and_country(client, scene):
    page = text(client.get("/indicators/area/400108/", {"period": FY69}))
    own, district, province, country = cells(row(page, "tpmap-poor-hh-rate"))
    assert "10.0" in own and "ยังไม่สอบทาน" in own  # the subdistrict's own value and state
    assert "6.0" in district and "6.0" in province and "5.6" in country
    # Against the year before: 330 → 300 poor households is better for "lower is better".
    assert "ดีขึ้น" in row(page, "tpmap-poor-hh")
    assert "ปีงบประมาณ 2568" in page and "ปีงบประมาณ 2569" in page  # the trend table


def test_picture_says_how_complete_and_how_verified_the_data_is(client, cast, scene):
    page = text(client.get("/indicators/area/40/", {"period": FY69}))
    # 3 of ขอนแก่น's 199 subdistricts reported; of their 15 values of public indicators the 5 of
    # ต.ในเมือง are verified. A member of the area also counts the partners-only ones.
    assert "รายงานแล้ว 3/199 ตำบล, สอบทานแล้ว 33%" in page
    assert re.search(r'id="verified-count">5<', page)
    client.force_login(cast.coordinator)
    mine = text(client.get("/indicators/area/40/", {"period": FY69}))
    assert "รายงานแล้ว 3/199 ตำบล, สอบทานแล้ว 35%" in mine  # 6 of 17
    assert "ยังไม่สอบทาน" in page and "สอบทานแล้ว 33%" in row(page, "tpmap-poor-hh")


def test_picture_shows_unverified_figures_never_hides_them(client, scene):
    page = text(client.get("/indicators/area/400102/", {"period": FY69}))
    assert "ยังไม่สอบทาน" in cells(row(page, "tpmap-poor-hh"))[0]
    assert "ยังไม่รายงาน" in cells(row(page, "pop-60plus"))[0]


def test_picture_ranks_the_children_for_a_chosen_indicator(client, scene):
    page = text(client.get("/indicators/area/4001/", {"period": FY69}))
    ranked = re.findall(r'<tr data-code="(\d+)">', page)
    assert ranked[:3] == ["400102", "400108", "400101"]  # 10.0 (พระลับ first by code), 10.0, 4.0
    partial = client.get(
        "/indicators/area/4001/",
        {"period": FY69, "indicator": "happiness-index", "part": "children"},
        headers={"HX-Request": "true"},
    )
    body = text(partial)
    assert "<html" not in body and 'id="children"' in body
    assert re.findall(r'<tr data-code="(\d+)">', body)[:3] == ["400108", "400102", "400101"]


def test_private_indicator_on_the_picture_only_for_members_of_the_area(client, cast, scene):
    anonymous = text(client.get("/indicators/area/40/", {"period": FY69}))
    assert 'data-indicator="bedridden"' not in anonymous
    assert "มีตัวชี้วัดอีก 1 ตัวที่เปิดเฉพาะภาคีที่มีสิทธิ์ในพื้นที่นี้" not in anonymous
    client.force_login(cast.coordinator)
    mine = text(client.get("/indicators/area/40/", {"period": FY69}))
    assert "70" in cells(row(mine, "bedridden"))[0]  # 20 + 50
    # The country figure of a partners-only indicator is beyond a provincial grant.
    assert "เฉพาะภาคี" in cells(row(mine, "bedridden"))[-1]
    client.force_login(cast.trat)
    other = text(client.get("/indicators/area/40/", {"period": FY69}))
    assert 'data-indicator="bedridden"' not in other
    assert "มีตัวชี้วัดอีก 1 ตัวที่เปิดเฉพาะภาคีที่มีสิทธิ์ในพื้นที่นี้" in other


@pytest.mark.parametrize("code", ["999999", "4", "abc"])
def test_unknown_area_picture_is_a_404(client, reference, code):
    assert client.get(f"/indicators/area/{code}/").status_code == 404


def test_picture_without_data_says_so(client, reference):
    page = text(client.get("/indicators/area/96/"))
    assert "ยังไม่มีข้อมูลตัวชี้วัดของพื้นที่นี้" in page


def test_picture_prints_on_a_4(client, scene):
    page = text(client.get("/indicators/area/40/"))
    assert "indicators/indicators.css" in page and "พิมพ์ (A4)" in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("indicators/indicators.css"), encoding="utf-8").read()  # noqa: SIM115
    assert "@media print" in css and "size: A4" in css


def test_trend_charts_are_inline_svg_without_script(client, scene):
    page = text(client.get("/indicators/area/400108/"))
    assert '<svg role="img"' in page and "pygal" in page
    assert "<script" not in page.split("<main")[1]  # no chart script, no CDN


# ------------------------------------------------------------------------------- volunteer page

URL = "/indicators/area/400108/verify/"


def act(client, indicator, action, htmx=True, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"{URL}{indicator}/{action}/", {"period": FY69, **data}, headers=headers)


def test_volunteer_sees_this_years_figures_one_card_each(client, cast, scene):
    client.force_login(cast.volunteer)
    page = text(client.get(URL))
    assert "<h1>สอบทานข้อมูล ต.สาวะถี</h1>" in page and "ปีงบประมาณ 2569" in page
    assert page.count('<article class="card vcard') == 16  # every stored, non-derived indicator
    assert 'data-indicator="tpmap-poor-hh-rate"' not in page  # computed, never entered
    poor = re.search(r'id="card-tpmap-poor-hh".*?</article>', page, re.S).group(0)
    assert "300" in poor and "ยังไม่สอบทาน" in poor and ">สอบทานแล้ว</button>" in poor
    assert ">รับรอง</button>" not in poor  # a volunteer does not accept
    assert "แก้ไขค่า" in poor


def test_volunteer_verifies_with_a_note_and_the_card_is_swapped(client, cast, scene):
    client.force_login(cast.volunteer)
    response = act(client, "tpmap-poor-hh", "verify", note="สอบทานแล้ว 12 ครัวเรือนย้ายออก")
    card = text(response)
    assert response.status_code == 200 and "<html" not in card
    assert card.lstrip().startswith('<article class="card vcard state-verified"')
    assert "สอบทานแล้ว 12 ครัวเรือนย้ายออก" in card and "บันทึกการสอบทานแล้ว" in card
    value = scene.value("tpmap-poor-hh", "400108")
    assert value.state == State.VERIFIED and value.state_by == cast.volunteer
    assert AuditEvent.objects.filter(action="datavalue.verify", target_id=str(value.pk)).exists()
    # Fresh at once in every roll-up above.
    poor = scene["tpmap-poor-hh"]
    assert Rollup.objects.get(indicator=poor, area_code="40", period=FY69).verified == 2


def test_coordinator_accepts_and_returns_with_a_reason(client, cast, scene):
    client.force_login(cast.volunteer)
    act(client, "tpmap-poor-hh", "verify", note="ตรวจแล้ว")
    act(client, "hh-total", "verify")
    client.force_login(cast.coordinator)
    card = text(act(client, "tpmap-poor-hh", "accept"))
    assert "รับรองแล้ว" in card and scene.value("tpmap-poor-hh", "400108").state == State.ACCEPTED
    empty = text(act(client, "hh-total", "return", reason=" "))
    assert "กรุณาระบุเหตุผลที่ส่งกลับ" in empty and "<details open>" in empty
    assert scene.value("hh-total", "400108").state == State.VERIFIED
    returned = text(act(client, "hh-total", "return", reason="ตัวเลขไม่ตรงกับ จปฐ."))
    assert "ส่งกลับให้แก้ไขแล้ว" in returned and "ตัวเลขไม่ตรงกับ จปฐ." in returned
    assert scene.value("hh-total", "400108").state == State.RETURNED


def test_correcting_an_accepted_value_asks_to_reopen(client, cast, scene):
    value = scene.value("tpmap-poor-hh", "400108")
    DataValue.objects.filter(pk=value.pk).update(state=State.ACCEPTED)
    client.force_login(cast.volunteer)
    card = text(act(client, "tpmap-poor-hh", "set", value="288"))
    assert "ค่านี้ได้รับการรับรองแล้ว การแก้ไขต้องเปิดการสอบทานใหม่" in card
    assert "เปิดการสอบทานใหม่</button>" in card and 'name="reopen" value="on"' in card
    assert scene.value("tpmap-poor-hh", "400108").value == 300
    card = text(act(client, "tpmap-poor-hh", "set", value="288", reopen="on"))
    value = scene.value("tpmap-poor-hh", "400108")
    assert value.value == 288 and value.state == State.ENTERED
    assert "บันทึกค่าแล้ว รอการสอบทาน" in card
    poor = scene["tpmap-poor-hh"]
    assert Rollup.objects.get(indicator=poor, area_code="4001", period=FY69).value == 888


def test_a_wrong_number_is_refused_in_thai(client, cast, scene):
    client.force_login(cast.volunteer)
    card = text(act(client, "tpmap-poor-hh", "set", value="สามร้อย"))
    assert "ไม่ใช่ตัวเลข" in card and scene.value("tpmap-poor-hh", "400108").value == 300
    card = text(act(client, "happiness-index", "set", value="11"))
    assert "ค่ามากกว่าที่เป็นไปได้" in card


def test_a_value_not_yet_reported_can_be_entered_with_thai_digits(client, cast, scene):
    client.force_login(cast.volunteer)
    card = text(act(client, "savings-groups", "set", value="๗"))
    assert "บันทึกค่าแล้ว" in card
    assert scene.value("savings-groups", "400108").value == 7


def test_without_javascript_the_page_reloads_with_a_message(client, cast, scene):
    client.force_login(cast.volunteer)
    response = act(client, "tpmap-poor-hh", "verify", htmx=False, note="ตรวจแล้ว")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?period={FY69}#card-tpmap-poor-hh"
    page = text(client.get(response["Location"]))
    assert "บันทึกการสอบทานแล้ว" in page


def test_owner_agency_accepts_its_own_figures_directly(client, cast, scene):
    DataValue.objects.filter(pk=scene.value("welfare-fund-members", "400108").pk).update(
        state=State.ENTERED
    )
    client.force_login(cast.somchai)  # พอช. owns the welfare fund figures
    page = text(client.get(URL))
    card = re.search(r'id="card-welfare-fund-members".*?</article>', page, re.S).group(0)
    assert ">รับรอง</button>" in card
    assert "รับรองแล้ว" in text(act(client, "welfare-fund-members", "accept"))


@pytest.mark.parametrize("persona", ["malee", "niran", "trat"])
def test_those_who_may_do_nothing_get_a_404(client, cast, scene, persona):
    client.force_login(getattr(cast, persona))
    assert client.get(URL).status_code == 404
    assert act(client, "tpmap-poor-hh", "verify").status_code == 404
    assert scene.value("tpmap-poor-hh", "400108").state == State.ENTERED


def test_verify_page_needs_sign_in_and_a_subdistrict(client, cast, scene):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(cast.coordinator)
    assert client.get("/indicators/area/4001/verify/").status_code == 404
    assert client.get(URL).status_code == 200
    assert act(client, "tpmap-poor-hh-rate", "set", value="3").status_code == 404
    assert act(client, "tpmap-poor-hh", "delete").status_code == 404
    assert client.post(f"{URL}tpmap-poor-hh/verify/", {"period": "2568"}).status_code == 404


def test_another_year_is_chosen_by_period(client, cast, scene):
    client.force_login(cast.volunteer)
    page = text(client.get(URL, {"period": FY68}))
    assert "ปีงบประมาณ 2568" in page and "330" in page
    assert page.count('data-state="accepted"') == 3


def test_the_history_of_a_value_is_for_members_of_its_area(client, cast, scene):
    value = scene.value("tpmap-poor-hh", "400108")
    client.force_login(cast.volunteer)
    act(client, "tpmap-poor-hh", "verify", note="ตรวจแล้ว")
    page = client.get(f"/history/indicators.datavalue/{value.pk}/")
    assert page.status_code == 200 and "ตรวจแล้ว" in text(page)
    client.force_login(cast.trat)
    assert client.get(f"/history/indicators.datavalue/{value.pk}/").status_code == 404
    client.logout()
    response = client.get(f"/history/indicators.datavalue/{value.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def thai_afterwards():
    """The locale middleware activates the chosen language on the test's thread and leaves it
    there; later tests expect Thai."""
    yield
    translation.activate("th")


def test_the_pages_speak_english_too(client, scene, thai_afterwards):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get("/indicators/area/40/", {"period": FY69}))
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert "Khon Kaen" in h1 and not re.search(r"[\u0E00-\u0E7F]", h1)
    assert "FY 2569" in page and "Target poor households per 100 households" in page
    catalogue = text(client.get("/indicators/"))
    assert "Dimension: " in catalogue and "Overall happiness index" in catalogue
