import pytest

from saan.areas.models import AreaGroup, AreaGroupMember
from saan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_national_overview_marks_programme_provinces_by_phase(client, reference):
    page = text(client.get("/"))
    assert page.count('data-code="') == 77
    assert 'class="tile phase1"' in page and 'data-code="40"' in page
    assert page.count("tile phase1") == 5 and page.count("tile phase2") == 8
    assert "1 มิ.ย. 2569" in page  # Phase 2 starts June 2026, shown in พ.ศ.


def test_national_list_view_shows_mentors(client, reference):
    page = text(client.get("/?view=list"))
    assert page.count("<tr>") == 78  # header + 77 provinces
    assert "พิษณุโลก" in page and "เชียงราย" in page


def test_province_page_lists_its_districts_with_codes(client, reference):
    page = text(client.get("/areas/40/"))
    assert "จ.ขอนแก่น" in page and "อ.เมืองขอนแก่น" in page and "4001" in page
    assert "อำเภอในจังหวัด (26)" in page
    assert "เขตสุขภาพที่ 7" in page


def test_subdistrict_page_has_breadcrumbs(client, reference):
    page = text(client.get("/areas/400108/"))
    for crumb in ("ประเทศไทย", "จ.ขอนแก่น", "อ.เมืองขอนแก่น", "ต.สาวะถี"):
        assert crumb in page
    assert "40000" in page  # postal code


def test_bangkok_uses_khet_and_khwaeng(client, reference):
    page = text(client.get("/areas/10/"))
    assert "เขตในจังหวัด" in page and "เขตพระนคร" in page
    assert "แขวงในเขต" in text(client.get("/areas/1001/"))


def test_mentor_province_shows_its_mentees(client, reference):
    page = text(client.get("/areas/40/"))
    assert "เป็นจังหวัดพี่เลี้ยงของ" in page and "จ.บึงกาฬ" in page


@pytest.mark.parametrize("code", ["999999", "4", "abc", "40010899"])
def test_unknown_area_is_a_thai_404_page(client, reference, code):
    response = client.get(f"/areas/{code}/")
    assert response.status_code == 404
    assert "ไม่พบหน้านี้" in text(response)


def test_thai_digits_in_the_address_work(client, reference):
    assert client.get("/areas/๔๐/").status_code == 200


def test_search_page_and_its_htmx_partial(client, reference):
    full = text(client.get("/areas/search/", {"q": "สาวะถี อ.เมือง"}))
    assert "<html" in full and "/areas/400108/" in full
    partial = client.get("/areas/search/", {"q": "สาวะถี อ.เมือง"}, headers={"HX-Request": "true"})
    assert "<html" not in text(partial) and "/areas/400108/" in text(partial)


def test_search_says_when_nothing_matches(client, reference):
    assert "ไม่พบพื้นที่ที่ตรงกับ" in text(client.get("/areas/search/", {"q": "ไม่มีที่นี่แน่นอน"}))


def test_search_go_jumps_to_a_single_match(client, reference):
    response = client.get("/areas/search/", {"q": "400108", "go": "1"})
    assert response.status_code == 302 and response["Location"] == "/areas/400108/"


def test_switching_to_english(client, reference):
    client.post("/i18n/setlang/", {"language": "en", "next": "/areas/40/"})
    page = text(client.get("/areas/40/"))
    assert "Khon Kaen" in page and '<html lang="en">' in page


class TestGroupAdministration:
    def test_only_administrators_see_edit_pages(self, client, cast):
        for persona, status in ((cast.coordinator, 404), (cast.admin, 200)):
            client.force_login(persona)
            assert client.get("/areas/groups/new/").status_code == status
            assert client.get("/areas/groups/asa-phase-2/edit/").status_code == status

    def test_admin_creates_a_group_through_the_form(self, client, cast):
        client.force_login(cast.admin)
        response = client.post(
            "/areas/groups/new/",
            {
                "kind": "province_cluster",
                "slug": "isan-upper-1",
                "name_th": "กลุ่มจังหวัดภาคตะวันออกเฉียงเหนือตอนบน 1",
                "name_en": "",
                "description": "",
                "sort_order": "0",
            },
        )
        assert response.status_code == 302
        group = AreaGroup.objects.get(slug="isan-upper-1")
        assert AuditEvent.objects.filter(
            action="areagroup.create", target_id=str(group.pk), actor=cast.admin
        ).exists()

    def test_form_errors_are_shown_per_field(self, client, cast):
        client.force_login(cast.admin)
        response = client.post(
            "/areas/groups/new/", {"kind": "nope", "slug": "asa", "name_th": "", "sort_order": "0"}
        )
        page = text(response)
        assert response.status_code == 200 and page.count('class="field field-error"') >= 3

    def test_admin_adds_a_member_with_a_mentor_and_removes_it(self, client, cast):
        client.force_login(cast.admin)
        client.post("/areas/groups/asa-phase-2/members/", {"area": "๔๖", "mentor": "40"})
        member = AreaGroupMember.objects.get(group__slug="asa-phase-2", area_id="46")
        assert member.mentor_id == "40"
        client.post("/areas/groups/asa-phase-2/members/46/remove/")
        assert not AreaGroupMember.objects.filter(group__slug="asa-phase-2", area_id="46").exists()
        actions = list(AuditEvent.objects.filter(area_code="46").values_list("action", flat=True))
        assert sorted(actions) == ["areagroup.member_remove", "areagroup.member_set"]

    def test_unknown_area_code_in_member_form_is_reported(self, client, cast):
        client.force_login(cast.admin)
        response = client.post("/areas/groups/asa-phase-2/members/", {"area": "999"}, follow=True)
        assert "ไม่พบพื้นที่รหัส 999" in text(response)

    def test_non_admin_post_is_404_and_changes_nothing(self, client, cast):
        client.force_login(cast.coordinator)
        assert client.post("/areas/groups/asa-phase-2/members/", {"area": "46"}).status_code == 404
        assert not AreaGroupMember.objects.filter(group__slug="asa-phase-2", area_id="46").exists()
