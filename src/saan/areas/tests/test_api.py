import pytest

pytestmark = pytest.mark.django_db


def test_savathi_comes_with_its_district_and_province(client, reference):
    body = client.get("/api/areas/400108").json()
    assert body["name_th"] == "สาวะถี" and body["level"] == "subdistrict"
    assert [(a["code"], a["name_th"]) for a in body["ancestors"]] == [
        ("40", "ขอนแก่น"),
        ("4001", "เมืองขอนแก่น"),
    ]
    assert {g["slug"] for g in body["groups"]} == {"health-zone-7", "asa-phase-1"}


def test_province_detail_counts_what_is_under_it(client, reference):
    body = client.get("/api/areas/40").json()
    assert body["children_count"] == 26
    assert body["descendant_counts"] == {"district": 26, "subdistrict": 199}


def test_unknown_code_is_a_json_404_in_thai_and_english(client, reference):
    response = client.get("/api/areas/999999")
    assert response.status_code == 404
    assert "ไม่พบพื้นที่" in response.json()["detail"] and "No area" in response.json()["detail"]


def test_list_filters(client, reference):
    provinces = client.get("/api/areas", {"level": "province", "limit": 100}).json()
    assert provinces["count"] == 77
    children = client.get("/api/areas", {"parent": "4001", "limit": 100}).json()
    assert children["count"] == 18 and all(a["parent_code"] == "4001" for a in children["items"])
    within = client.get("/api/areas", {"within": "40", "level": "subdistrict"}).json()
    assert within["count"] == 199
    zone = client.get("/api/areas", {"group": "health-zone-7"}).json()
    assert sorted(a["code"] for a in zone["items"]) == ["40", "44", "45", "46"]


def test_list_search_the_way_people_write(client, reference):
    body = client.get("/api/areas", {"q": "สาวะถี อ.เมือง ขอนแก่น"}).json()
    assert body["items"][0]["code"] == "400108"


def test_bad_level_is_a_422_not_a_500(client, reference):
    assert client.get("/api/areas", {"level": "village"}).status_code == 422


def test_groups_and_members_with_mentors(client, reference):
    groups = client.get("/api/area-groups", {"kind": "programme_phase"}).json()
    assert [g["slug"] for g in groups] == ["asa-phase-1", "asa-phase-2"]
    detail = client.get("/api/area-groups/asa-phase-2").json()
    assert detail["parent_slug"] == "asa" and detail["starts_on"] == "2026-06-01"
    mentors = {m["area"]["code"]: m["mentor_code"] for m in detail["members"]}
    assert mentors["10"] == "23" and mentors["38"] == "40"
    assert client.get("/api/area-groups/nope").status_code == 404


def test_organisations_are_public_reference_data(client, reference):
    body = client.get("/api/organisations", {"strategic": True}).json()
    assert body["count"] == 9
    assert {o["short_name"] for o in body["items"]} == {
        "สช.",
        "สสส.",
        "สวรส.",
        "สปสช.",
        "พอช.",
        "บพท.",
        "นิด้า",
        "สพฉ.",
        "สรพ.",
    }


def test_memberships_api_uses_the_same_rules_as_the_pages(client, cast):
    assert client.get("/api/memberships").status_code == 401
    client.force_login(cast.coordinator)
    seen = {m["username"] for m in client.get("/api/memberships", {"limit": 100}).json()["items"]}
    assert {"somchai", "boonmee", "prapaporn"} <= seen and "trat" not in seen
    trat_id = cast.trat.memberships.get().pk
    assert client.get(f"/api/memberships/{trat_id}").status_code == 404
    client.force_login(cast.somchai)
    assert {m["username"] for m in client.get("/api/memberships").json()["items"]} == {"somchai"}


def test_openapi_document(client, reference):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/areas",
        "/api/areas/{code}",
        "/api/area-groups",
        "/api/organisations",
        "/api/me",
    } <= set(schema["paths"])
