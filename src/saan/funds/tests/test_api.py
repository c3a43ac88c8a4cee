"""The funds API: the same visibility as the pages (public summaries for everyone, ledgers for
the fund's readers, 404 otherwise) and entries recorded through the same service."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from saan.accounts.services import token_create
from saan.audit.models import AuditEvent
from saan.conftest import Cast
from saan.funds import services
from saan.funds.models import Entry, Fund
from saan.funds.tests.conftest import grant, income

pytestmark = pytest.mark.django_db


def bearer(user: object) -> dict[str, str]:
    _token, raw = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def books(cast: Cast, fund: Fund) -> Fund:
    income(cast, fund, dt.date(2024, 11, 1), "1,000", source="members")
    grant(cast, fund, dt.date(2024, 11, 5), "300", category="elderly")
    return fund


def test_anyone_reads_a_public_funds_summary_but_not_its_ledger(cast: Cast, books: Fund) -> None:
    c = Client()
    listed = c.get("/api/funds/?area=40").json()
    assert [f["id"] for f in listed] == [books.pk]
    assert listed[0]["full_access"] is False and listed[0]["balance"] == "10700.00"
    assert [f["id"] for f in c.get("/api/funds/?area=๔๐").json()] == [books.pk]
    assert c.get("/api/funds/?area=41").json() == []
    detail = c.get(f"/api/funds/{books.pk}").json()
    assert detail["grants_by_category"] == [
        {"key": "elderly", "label": "ผู้สูงอายุ", "amount": "300.00", "count": 1}
    ]
    assert "นางสมศรี" not in json.dumps(detail, ensure_ascii=False)
    assert c.get(f"/api/funds/{books.pk}/entries").status_code == 404
    services.fund_update(
        actor=cast.volunteer,
        fund=books,
        name=books.name,
        description="",
        is_public=False,
        kind=books.kind,
    )
    assert c.get(f"/api/funds/{books.pk}").status_code == 404
    assert c.get("/api/funds/").json() == []


def test_readers_get_the_ledger_with_running_balance(cast: Cast, books: Fund) -> None:
    rows = Client().get(f"/api/funds/{books.pk}/entries?fy=2568", **bearer(cast.coordinator)).json()
    assert [(r["kind"], r["effect"], r["balance"]) for r in rows] == [
        ("income", "1000.00", "11000.00"),
        ("grant", "-300.00", "10700.00"),
    ]
    assert rows[1]["recipient"] == "นางสมศรี มีสุข"
    assert Client().get(f"/api/funds/{books.pk}/entries", **bearer(cast.malee)).status_code == 404


def test_recording_an_entry_through_the_api(cast: Cast, books: Fund) -> None:
    c = Client()
    url = f"/api/funds/{books.pk}/entries"
    body = {"kind": "income", "date": "2024-12-01", "amount": "2,500", "source": "government"}
    assert c.post(url, body, content_type="application/json").status_code == 401
    r = c.post(url, body, content_type="application/json", **bearer(cast.volunteer))
    assert r.status_code == 201, r.content
    assert r.json()["balance"] == "13200.00"
    assert AuditEvent.objects.filter(action="fund.entry_create").count() == 3
    r = c.post(
        url,
        {
            "kind": "grant",
            "date": "2024-12-02",
            "amount": "99,999",
            "category": "death",
            "recipient": "x",
        },
        content_type="application/json",
        **bearer(cast.volunteer),
    )
    assert r.status_code == 422
    assert "ติดลบ" in r.json()["errors"]["amount"][0]
    r = c.post(
        url, {**body, "amount": "-1"}, content_type="application/json", **bearer(cast.volunteer)
    )
    assert r.status_code == 422 and "amount" in r.json()["errors"]
    # Reads the books but may not write them: refused; may not read them: 404.
    assert (
        c.post(url, body, content_type="application/json", **bearer(cast.coordinator)).status_code
        == 403
    )
    assert (
        c.post(url, body, content_type="application/json", **bearer(cast.somchai)).status_code
        == 404
    )
    assert Entry.objects.count() == 3


def test_reversing_an_entry_through_the_api(cast: Cast, books: Fund) -> None:
    c = Client()
    g = Entry.objects.get(kind="grant")
    url = f"/api/funds/entries/{g.pk}/reverse"
    body = {"date": "2024-11-06", "reason": "จ่ายผิดคน"}
    assert (
        c.post(url, body, content_type="application/json", **bearer(cast.niran)).status_code == 404
    )
    r = c.post(url, body, content_type="application/json", **bearer(cast.volunteer))
    assert r.status_code == 201 and r.json()["reverses"] == g.pk
    assert r.json()["effect"] == "300.00" and r.json()["balance"] == "11000.00"
    r = c.post(url, body, content_type="application/json", **bearer(cast.volunteer))
    assert r.status_code == 422 and "reverses" in r.json()["errors"]


def test_amounts_may_be_json_numbers_or_text(cast: Cast, books: Fund) -> None:
    c = Client()
    url = f"/api/funds/{books.pk}/entries"
    auth = bearer(cast.volunteer)
    for amount, expected in ((1500, "1500.00"), (12.5, "12.50"), ("๑,๐๐๐ บาท", "1000.00")):
        body = {"kind": "income", "date": "2024-12-01", "amount": amount, "source": "donation"}
        r = c.post(url, body, content_type="application/json", **auth)
        assert r.status_code == 201 and r.json()["amount"] == expected, r.content
    body = {"kind": "income", "date": "2024-12-01", "amount": 1.234, "source": "donation"}
    r = c.post(url, body, content_type="application/json", **auth)
    assert r.status_code == 422 and "ทศนิยม" in r.json()["errors"]["amount"][0]


def test_a_token_that_is_not_valid_is_refused_not_read_as_anonymous(books: Fund) -> None:
    wrong = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    for url in ("/api/funds/", f"/api/funds/{books.pk}", f"/api/funds/{books.pk}/entries"):
        assert Client().get(url, **wrong).status_code == 401, url
    assert Client().get("/api/funds/").status_code == 200
