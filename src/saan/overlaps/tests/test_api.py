import pytest

from saan.accounts.services import token_create
from saan.overlaps.models import FindingState
from saan.overlaps.tests.helpers import finding, scan

pytestmark = pytest.mark.django_db


def _auth(user):
    _token, raw = token_create(actor=user, name="สคริปต์")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def pair(scene):
    scan("40")
    return finding(scene.elders_thf, scene.elders_codi)


def test_findings_need_a_token_and_follow_the_pages_rules(client, cast, scene, pair):
    assert client.get("/api/overlaps/findings").status_code == 401
    body = client.get("/api/overlaps/findings", {"area": "40"}, **_auth(cast.coordinator)).json()
    ids = {f["id"] for f in body}
    private = finding(scene.elders_thf, scene.private_fund)
    assert {pair.pk, private.pk} <= ids
    item = next(f for f in body if f["id"] == pair.pk)
    assert item["shared_subdistricts"] == ["400115"] and item["reasons"]
    somchai = client.get("/api/overlaps/findings", **_auth(cast.somchai)).json()
    assert pair.pk in {f["id"] for f in somchai} and private.pk not in {f["id"] for f in somchai}
    assert client.get("/api/overlaps/findings", **_auth(cast.niran)).json() == []
    assert (
        client.get(f"/api/overlaps/findings/{private.pk}", **_auth(cast.somchai)).status_code == 404
    )
    conts = client.get(
        "/api/overlaps/findings", {"kind": "continuation"}, **_auth(cast.coordinator)
    ).json()
    assert {f["kind"] for f in conts} == {"continuation"}
    high = client.get("/api/overlaps/findings", {"min_score": 0.99}, **_auth(cast.coordinator))
    assert all(f["score"] >= 0.99 for f in high.json())


def test_decisions_and_comments_through_the_api(client, cast, pair):
    url = f"/api/overlaps/findings/{pair.pk}"
    refused = client.post(
        f"{url}/decisions",
        {"action": "confirm"},
        content_type="application/json",
        **_auth(cast.somchai),
    )
    assert refused.status_code == 403
    bad = client.post(
        f"{url}/decisions",
        {"action": "dismiss"},
        content_type="application/json",
        **_auth(cast.coordinator),
    )
    assert bad.status_code == 422 and "comment" in bad.json()["errors"]
    ok = client.post(
        f"{url}/decisions",
        {"action": "confirm", "comment": "ใช่"},
        content_type="application/json",
        **_auth(cast.coordinator),
    )
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed"
    pair.refresh_from_db()
    assert pair.state == FindingState.CONFIRMED
    merge = client.post(
        f"{url}/decisions",
        {"action": "merge", "project": pair.project_a_id},
        content_type="application/json",
        **_auth(cast.coordinator),
    )
    assert merge.status_code == 403 and "รวมโครงการไม่ได้" in merge.json()["detail"]
    said = client.post(
        f"{url}/comments",
        {"text": "พอช. รับทราบ"},
        content_type="application/json",
        **_auth(cast.somchai),
    )
    assert said.status_code == 201
    assert (
        client.post(
            f"{url}/comments", {"text": "x"}, content_type="application/json", **_auth(cast.malee)
        ).status_code
        == 404
    )
    detail = client.get(url, **_auth(cast.somchai)).json()
    assert [c["text"] for c in detail["comments"]] == ["ใช่", "พอช. รับทราบ"]
    assert detail["can_decide"] is False


def test_gap_tables_count_what_the_caller_may_see(client, cast, scene):
    body = client.get("/api/overlaps/gaps/4001", {"fy": 2568}).json()
    row = next(r for r in body["rows"] if r["area_code"] == "400115")
    assert row["projects"] == 0  # anonymous callers count public projects only; these are not
    somchai = client.get("/api/overlaps/gaps/4001", {"fy": 2568}, **_auth(cast.somchai)).json()
    assert next(r for r in somchai["rows"] if r["area_code"] == "400115")["projects"] == 2
    coordinator = client.get(
        "/api/overlaps/gaps/4001", {"fy": 2568}, **_auth(cast.coordinator)
    ).json()
    row = next(r for r in coordinator["rows"] if r["area_code"] == "400115")
    assert row["projects"] == 3
    assert client.get("/api/overlaps/gaps/9999").status_code == 404
    assert client.get("/api/overlaps/gaps/40", {"indicator": "nope"}).status_code == 422


def test_gap_table_and_findings_accept_codes_in_thai_digits(client, cast, scene):
    arabic = client.get("/api/overlaps/gaps/4001", {"fy": 2568}, **_auth(cast.somchai))
    thai = client.get("/api/overlaps/gaps/๔๐๐๑", {"fy": 2568}, **_auth(cast.somchai))
    assert thai.status_code == 200
    assert thai.json()["area_code"] == "4001"
    assert thai.json()["rows"] == arabic.json()["rows"]
    findings = client.get("/api/overlaps/findings", {"area": "๔๐"}, **_auth(cast.coordinator))
    assert findings.status_code == 200
    same = client.get("/api/overlaps/findings", {"area": "40"}, **_auth(cast.coordinator))
    assert findings.json() == same.json()


def test_findings_filter_by_several_states(client, cast, pair):
    from saan.overlaps.services import finding_dismiss

    finding_dismiss(actor=cast.coordinator, finding=pair, comment="คนละงาน")
    auth = _auth(cast.coordinator)
    dismissed = client.get("/api/overlaps/findings", {"state": ["dismissed"]}, **auth).json()
    assert [f["id"] for f in dismissed] == [pair.pk]
    both = client.get("/api/overlaps/findings", {"state": ["dismissed", "suggested"]}, **auth)
    assert pair.pk in {f["id"] for f in both.json()} and len(both.json()) > 1
