"""The API answers with the same rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from saan.accounts.services import token_create
from saan.conftest import org
from saan.plans import services
from saan.plans.models import Contribution

pytestmark = pytest.mark.django_db


def test_plans_items_and_contributions_read_with_counted_totals(
    client: Any, cast: Any, plan: Any, item: Any
) -> None:
    up = services.contribution_create(
        actor=cast.admin, item=item, organisation=org("สสส."), fiscal_year=2569, pledged=300000
    )
    services.contribution_create(
        actor=cast.admin,
        item=item,
        organisation=org("สช."),
        fiscal_year=2569,
        pledged=300000,
        funded_by=up,
    )
    listed = client.get("/api/plans/plans", {"area": "40"}).json()
    assert [p["id"] for p in listed] == [plan.pk]
    detail = client.get(f"/api/plans/plans/{plan.pk}").json()
    assert detail["counted"]["pledged"] == "300000.00"
    assert detail["items"][0]["counted"]["pledged"] == "300000.00"
    assert client.get(f"/api/plans/items/{item.pk}").json()["title"] == item.title
    rows = client.get("/api/plans/contributions", {"plan": plan.pk}).json()
    assert sorted(r["counted"]["pledged"] for r in rows) == ["0.00", "300000.00"]
    assert {r["original_source"]["short_name"] for r in rows} == {"สสส."}
    one = client.get(f"/api/plans/contributions/{up.pk}").json()
    assert one["pledged"] == "300000.00"
    co = client.get("/api/plans/co-investment", {"stage": "pledged"}).json()
    assert co["total"] == "300000.00" and co["pass_through"] == "300000.00"


def test_create_and_update_contributions_with_a_token(
    client: Any, cast: Any, plan: Any, item: Any
) -> None:
    payload = {
        "item_id": item.pk,
        "organisation_id": org("พอช.").pk,
        "fiscal_year": 2569,
        "pledged": "80,000",
    }
    assert (
        client.post(
            "/api/plans/contributions", payload, content_type="application/json"
        ).status_code
        == 401
    )
    _token, raw = token_create(actor=cast.somchai, name="สคริปต์")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    made = client.post("/api/plans/contributions", payload, content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    bad = client.patch(
        f"/api/plans/contributions/{cid}",
        {"committed": "50000", "disbursed": "60000"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert "disbursed" in bad.json()["errors"]
    ok = client.patch(
        f"/api/plans/contributions/{cid}",
        {"committed": "50000", "disbursed": "20000"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["disbursed"] == "20000.00"
    other = dict(payload, organisation_id=org("สสส.").pk)
    assert (
        client.post(
            "/api/plans/contributions", other, content_type="application/json", **auth
        ).status_code
        == 403
    )
    wrong_year = dict(payload, fiscal_year=2575)
    refused = client.post(
        "/api/plans/contributions", wrong_year, content_type="application/json", **auth
    )
    assert refused.status_code == 422 and "fiscal_year" in refused.json()["errors"]
    assert Contribution.objects.count() == 1


def test_private_plans_are_404_in_the_api(client: Any, cast: Any, plan: Any, item: Any) -> None:
    services.plan_update(actor=cast.coordinator, plan=plan, is_public=False)
    assert client.get(f"/api/plans/plans/{plan.pk}").status_code == 404
    assert client.get(f"/api/plans/items/{item.pk}").status_code == 404
    assert client.get("/api/plans/plans").json() == []
    client.force_login(cast.trat)
    assert client.get(f"/api/plans/plans/{plan.pk}").status_code == 404
    client.force_login(cast.malee)
    assert client.get(f"/api/plans/plans/{plan.pk}").status_code == 200
    client.logout()
    assert client.get("/api/plans/plans", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_odd_values_are_422_not_500(client: Any, cast: Any, item: Any) -> None:
    client.force_login(cast.admin)
    base = {"item_id": item.pk, "organisation_id": org("พอช.").pk, "fiscal_year": 2569}
    for extra, field in (
        ({"kind": "in_kind", "in_kind_type": "gold"}, "in_kind_type"),
        ({"note": "ก" * 501}, "note"),
        ({"kind": "barter"}, "kind"),
        ({"pledged": "1e400"}, "pledged"),
        ({"budget_source_id": 999999}, "source"),
        ({"funded_by": 999999}, "funded_by"),
    ):
        response = client.post(
            "/api/plans/contributions", {**base, **extra}, content_type="application/json"
        )
        assert response.status_code == 422, (extra, response.content)
        assert field in response.json()["errors"], (extra, response.json())
    assert not Contribution.objects.exists()
