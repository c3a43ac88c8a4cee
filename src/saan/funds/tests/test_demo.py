"""The demo funds: สาวะถี's welfare fund with 2568 closed and carried into 2569, a grant to a
project, an approved overdraft and a reversal; ตราด's joint area fund; loading twice changes
nothing, and the public summary names nobody."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from saan.conftest import Cast
from saan.funds import queries
from saan.funds.demo_data import SAWATHI_FUND, TRAT_FUND, WELFARE_2568, load_funds_demo
from saan.funds.models import Entry, Fund, OverdraftStatus
from saan.funds.tests.conftest import project
from saan.projects.models import Visibility

pytestmark = pytest.mark.django_db


def test_the_demo_funds_load_once_and_balance(cast: Cast) -> None:
    housing = project(
        cast.somchai,
        "พอช.",
        "บ้านมั่นคงชนบทตำบลสาวะถี",
        Visibility.PUBLIC,
        ["400108"],
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    load_funds_demo(cast.admin)
    counts = (Fund.objects.count(), Entry.objects.count())
    load_funds_demo(cast.admin)
    assert (Fund.objects.count(), Entry.objects.count()) == counts
    fund = Fund.objects.get(name=SAWATHI_FUND)
    assert fund.organisation == cast.community_council
    years = {y.fiscal_year: y for y in queries.year_balances(fund)}
    assert years[2568].is_closed and not years[2569].is_closed
    assert years[2569].opening == years[2568].closing == years[2568].stored_closing
    assert queries.books_check(fund) == []
    assert dict((p.pk, v) for p, v in queries.grants_by_project(fund)) == {
        housing.pk: Decimal("15000.00")
    }
    assert fund.overdrafts.get().status == OverdraftStatus.APPROVED
    assert Entry.objects.filter(fund=fund, reverses__isnull=False).count() == 1
    sources = {k for k, _l, _v in queries.income_by_source(fund, 2569)}
    assert {"members", "government", "local_government", "interest"} <= sources
    categories = {k for k, _l, _v, _n in queries.grants_by_category(fund, 2568)}
    assert {"birth", "illness", "elderly", "death"} <= categories
    trat = Fund.objects.get(name=TRAT_FUND)
    assert trat.area_id == "23" and queries.balance_now(trat) == Decimal("435700.00")
    text = Client().get(fund.get_public_url() + "?fy=2568").content.decode()
    assert "เสียชีวิต" in text
    for _m, _c, _a, recipient, _d in WELFARE_2568:
        assert recipient not in text
    # The volunteer, who runs the council's books, sees them in full.
    assert queries.can_write(cast.volunteer, fund) and queries.can_supervise(cast.coordinator, fund)
