"""The indicators API: catalogue, values, roll-ups and writes, with the same rules as the pages."""

import pytest

from saan.accounts.services import token_create
from saan.audit.models import AuditEvent
from saan.indicators.models import DataValue, Rollup, State
from saan.indicators.tests.scene import FY68, FY69, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast):
    return build(entered_by=cast.admin)


def bearer(user):
    _, raw = token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


# ------------------------------------------------------------------------------- catalogue


def test_catalogue_is_public_without_the_partners_only_indicators(client, cast):
    anonymous = client.get("/api/indicators").json()
    codes = [i["code"] for i in anonymous]
    assert "tpmap-poor-hh-rate" in codes and "bedridden" not in codes
    member = client.get("/api/indicators", headers=bearer(cast.volunteer)).json()
    assert len(member) == len(anonymous) + 1
    ageing = client.get("/api/indicators", {"theme": "ageing"}).json()
    assert {i["code"] for i in ageing} == {"pop-60plus", "elderly-share", "elderly-dependent"}


def test_one_indicator_names_its_parts(client, reference):
    body = client.get("/api/indicators/tpmap-poor-hh-rate").json()
    assert body["aggregation"] == "ratio" and body["factor"] == "100"
    assert (body["numerator"], body["denominator"]) == ("tpmap-poor-hh", "hh-total")
    assert body["thresholds"] == [2, 4, 7, 10] and body["polarity"] == "lower"
    happiness = client.get("/api/indicators/happiness-index").json()
    assert happiness["weight"] == "pop-total" and happiness["plausible_max"] == "10"
    assert client.get("/api/indicators/welfare-fund-members").json()["owner"] == "พอช."
    assert client.get("/api/indicators/bedridden").status_code == 404
    assert client.get("/api/indicators/nope").status_code == 404


# ---------------------------------------------------------------------------------- values


def test_values_filter_by_indicator_area_period_and_state(client, scene):
    body = client.get("/api/values", {"indicator": "tpmap-poor-hh", "area": "40"}).json()
    assert body["count"] == 4  # three subdistricts in 2569, ต.สาวะถี also in 2568
    fy69 = client.get(
        "/api/values", {"indicator": "tpmap-poor-hh", "area": "4001", "period": "ปีงบ 69"}
    ).json()
    assert sorted((v["area_code"], v["value"]) for v in fy69["items"]) == [
        ("400101", "400"),
        ("400102", "200"),
        ("400108", "300"),
    ]
    item = fy69["items"][0]
    assert item["period"] == FY69 and item["period_label"] == "ปีงบประมาณ 2569"
    assert item["state"] in {"entered", "verified"} and item["state_label"]
    verified = client.get("/api/values", {"area": "400101", "state": "verified"}).json()
    assert verified["count"] == 5  # its public values; the bedridden one is partners-only
    assert client.get("/api/values", {"period": FY68}).json()["count"] == 3
    page = client.get("/api/values", {"limit": 2, "offset": 0}).json()
    assert len(page["items"]) == 2 and page["count"] > 2


def test_partners_only_values_need_a_grant_that_reaches_the_area(client, cast, scene):
    def bedridden(**headers):
        return client.get("/api/values", {"indicator": "bedridden"}, headers=headers)

    assert bedridden().status_code == 404  # not in the public catalogue at all
    no_filter = client.get("/api/values", {"area": "400101"}).json()
    assert "bedridden" not in {v["indicator"] for v in no_filter["items"]}
    khon_kaen = bedridden(**bearer(cast.coordinator)).json()
    assert {v["area_code"] for v in khon_kaen["items"]} == {"400108", "400101"}
    trat = bedridden(**bearer(cast.trat)).json()
    assert {v["area_code"] for v in trat["items"]} == {"230101"}
    malee = bedridden(**bearer(cast.malee)).json()  # a country-wide viewer
    assert malee["count"] == 3


def test_a_malformed_period_is_a_422(client, scene):
    response = client.get("/api/values", {"indicator": "tpmap-poor-hh", "period": "ไตรมาส 1/2568"})
    assert response.status_code == 422 and "ไม่ใช่" in response.json()["detail"]


# ---------------------------------------------------------------------------------- roll-ups


def test_rollups_of_an_area_with_coverage(client, scene):
    body = client.get(
        "/api/rollups", {"indicator": "tpmap-poor-hh-rate", "area": "40", "period": "2569"}
    ).json()
    assert len(body) == 1
    figure = body[0]
    stored = Rollup.objects.get(indicator=scene["tpmap-poor-hh-rate"], area_code="40", period=FY69)
    assert figure["value"] == "6" and stored.value == 6
    assert (figure["expected"], figure["reported"], figure["verified"]) == (199, 3, 1)
    assert figure["coverage"] == pytest.approx(1.51, abs=0.01)
    assert figure["verified_share"] == pytest.approx(33.33, abs=0.01)
    every = client.get("/api/rollups", {"indicator": "tpmap-poor-hh"}).json()
    assert [(f["period"], f["area_code"], f["value"]) for f in every] == [
        (FY68, "", "330"),
        (FY69, "", "930"),
    ]


def test_rollups_of_a_subdistrict_are_its_own_value(client, scene):
    body = client.get(
        "/api/rollups", {"indicator": "tpmap-poor-hh-rate", "area": "400108", "period": FY69}
    ).json()
    assert body[0]["value"] == "10" and body[0]["expected"] == 1


def test_rollups_of_a_group_combine_provinces_as_sums_never_as_averages(client, scene):
    body = client.get(
        "/api/rollups", {"indicator": "tpmap-poor-hh-rate", "group": "asa-phase-1", "period": FY69}
    ).json()[0]
    # ขอนแก่น 900/15,000 and ตราด 30/1,500: 930/16,500 = 5.64, not (6.0 + 2.0) / 2 = 4.0.
    assert body["group"] == "asa-phase-1" and body["area_code"] is None
    assert float(body["value"]) == pytest.approx(5.6364, abs=1e-4)
    assert body["reported"] == 4
    programme = client.get(
        "/api/rollups", {"indicator": "happiness-index", "group": "asa", "period": FY69}
    ).json()[0]
    # Weighted by people: (10,000×8 + 30,000×6 + 8,000×7 + 5,000×9) / 53,000.
    assert float(programme["value"]) == pytest.approx(361000 / 53000, abs=1e-4)
    assert (
        client.get("/api/rollups", {"indicator": "pop-total", "group": "nope"}).status_code == 404
    )


def test_partners_only_rollups_follow_the_grants(client, cast, scene):
    params = {"indicator": "bedridden", "area": "40", "period": FY69}
    assert client.get("/api/rollups", params).status_code == 404
    assert client.get("/api/rollups", params, headers=bearer(cast.trat)).status_code == 404
    mine = client.get("/api/rollups", params, headers=bearer(cast.coordinator)).json()
    assert mine[0]["value"] == "70"
    country = {"indicator": "bedridden", "period": FY69}
    assert client.get("/api/rollups", country, headers=bearer(cast.coordinator)).status_code == 404
    assert (
        client.get("/api/rollups", country, headers=bearer(cast.malee)).json()[0]["value"] == "75"
    )


# ---------------------------------------------------------------------------------- writing


def post(client, path, user=None, **body):
    headers = bearer(user) if user is not None else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def test_writing_needs_a_token_or_a_session(client, scene):
    response = post(
        client, "/api/values", indicator="savings-groups", area="400108", period=FY69, value=3
    )
    assert response.status_code == 401


def test_enter_then_correct_a_value(client, cast, scene):
    created = post(
        client,
        "/api/values",
        cast.volunteer,
        indicator="savings-groups",
        area="400108",
        period="ปีงบประมาณ ๒๕๖๙",
        value="๔",
        source_note="ทะเบียนกลุ่มของสภาองค์กรชุมชน",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["value"], body["state"], body["period"]) == ("4", "entered", FY69)
    corrected = post(
        client,
        "/api/values",
        cast.volunteer,
        indicator="savings-groups",
        area="400108",
        period=FY69,
        value="5",
    )
    assert corrected.status_code == 200 and corrected.json()["value"] == "5"
    assert (
        Rollup.objects.get(indicator=scene["savings-groups"], area_code="40", period=FY69).value
        == 5
    )
    assert AuditEvent.objects.filter(action="datavalue.set", area_code="400108").count() == 2


def test_writes_outside_the_grant_are_403_and_bad_numbers_422(client, cast, scene):
    outside = post(
        client, "/api/values", cast.volunteer, indicator="pop-total", area="400101",
        period=FY69, value=1,
    )  # fmt: skip
    assert outside.status_code == 403 and "ไม่มีสิทธิ์" in outside.json()["detail"]
    bad = post(
        client, "/api/values", cast.volunteer, indicator="pop-total", area="400108",
        period=FY69, value="หนึ่งหมื่น",
    )  # fmt: skip
    assert bad.status_code == 422 and "value" in bad.json()["errors"]
    derived = post(
        client, "/api/values", cast.volunteer, indicator="tpmap-poor-hh-rate", area="400108",
        period=FY69, value=3,
    )  # fmt: skip
    assert derived.status_code == 422 and "indicator" in derived.json()["errors"]
    period = post(
        client, "/api/values", cast.volunteer, indicator="pop-total", area="400108",
        period="มี.ค. 2569", value=3,
    )  # fmt: skip
    assert period.status_code == 422 and "period" in period.json()["errors"]
    assert post(
        client, "/api/values", cast.volunteer, indicator="pop-total", area="999999",
        period=FY69, value=3,
    ).status_code == 404  # fmt: skip


def test_an_accepted_value_is_a_409_until_reopened(client, cast, scene):
    value = scene.value("tpmap-poor-hh", "230101")  # accepted
    body = {"indicator": "tpmap-poor-hh", "area": "230101", "period": FY69, "value": 28}
    conflict = post(client, "/api/values", cast.trat, **body)
    assert conflict.status_code == 409
    assert (
        conflict.json()["value"]["state"] == "accepted"
        and conflict.json()["value"]["value"] == "30"
    )
    reopened = post(client, "/api/values", cast.trat, **body, reopen=True)
    assert reopened.status_code == 200 and reopened.json()["state"] == "entered"
    assert DataValue.objects.get(pk=value.pk).value == 28


def test_verify_accept_and_return_through_the_api(client, cast, scene):
    value = scene.value("tpmap-poor-hh", "400108")
    path = f"/api/values/{value.pk}"
    assert post(client, f"{path}/accept", cast.volunteer).status_code == 403
    verified = post(client, f"{path}/verify", cast.volunteer, note="สอบทานแล้ว 12 ครัวเรือนย้ายออก")
    assert verified.status_code == 200 and verified.json()["state"] == "verified"
    assert verified.json()["note"] == "สอบทานแล้ว 12 ครัวเรือนย้ายออก"
    again = post(client, f"{path}/verify", cast.volunteer)
    assert again.status_code == 422  # already verified
    assert post(client, f"{path}/accept", cast.trat).status_code == 403  # another province
    accepted = post(client, f"{path}/accept", cast.coordinator, note="ผ่านคณะทำงาน")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert post(client, f"{path}/return", cast.coordinator, reason="").status_code == 422
    returned = post(client, f"{path}/return", cast.coordinator, reason="ตัวเลขไม่ตรงกับ TPMAP")
    assert returned.status_code == 200 and returned.json()["state"] == State.RETURNED
    assert post(client, "/api/values/999999/verify", cast.coordinator).status_code == 404


def test_partners_only_values_cannot_be_touched_from_outside(client, cast, scene):
    value = scene.value("bedridden", "400108")
    assert post(client, f"/api/values/{value.pk}/verify", cast.trat).status_code == 404
    assert post(client, f"/api/values/{value.pk}/verify", cast.volunteer).status_code == 200


def test_the_endpoints_are_documented(client, reference):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/indicators",
        "/api/indicators/{code}",
        "/api/values",
        "/api/rollups",
        "/api/values/{value_id}/verify",
        "/api/values/{value_id}/accept",
        "/api/values/{value_id}/return",
    ):
        assert path in paths, path
    assert "post" in paths["/api/values"] and "get" in paths["/api/values"]
