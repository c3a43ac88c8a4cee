"""The balance rules: amounts, dates, closed years, the zero floor and overdrafts, reversals,
and closing a year with its balance carried forward."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.conftest import Cast
from saan.core.thai import fiscal_year
from saan.funds import queries, services
from saan.funds.models import Entry, EntryKind, FiscalPeriod, Fund, OverdraftStatus
from saan.funds.tests.conftest import grant, income, overdraft

pytestmark = pytest.mark.django_db

D = Decimal


def _message(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_income_and_grant_move_the_balance_and_are_audited(cast: Cast, fund: Fund) -> None:
    e = income(cast, fund, dt.date(2024, 11, 5), "๑,๕๐๐ บาท")
    grant(cast, fund, dt.date(2024, 12, 1), "2,000")
    assert e.amount == D("1500.00") and e.period.fiscal_year == 2568
    years = queries.year_balances(fund)
    assert [(y.fiscal_year, y.opening, y.income, y.grants, y.closing) for y in years] == [
        (2568, D("10000.00"), D("1500.00"), D("2000.00"), D("9500.00"))
    ]
    assert AuditEvent.objects.filter(action="fund.entry_create", area_code="400108").count() == 2
    assert AuditEvent.objects.filter(action="fund.create").count() == 1


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("-500", "มากกว่าศูนย์"),
        ("0", "มากกว่าศูนย์"),
        ("ห้าร้อย", "ต้องเป็นตัวเลข"),
        ("", "กรุณาระบุจำนวนเงิน"),
        ("10.555", "ทศนิยม"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(
    cast: Cast, fund: Fund, amount: str, words: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        income(cast, fund, dt.date(2024, 11, 5), amount)
    assert words in _message(exc, "amount")
    assert not Entry.objects.exists()


def test_income_needs_a_source_and_a_grant_a_category_and_recipient(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ValidationError) as exc:
        income(cast, fund, dt.date(2024, 11, 5), "100", source="")
    assert "แหล่งรายรับ" in _message(exc, "source")
    with pytest.raises(ValidationError) as exc:
        services.entry_create(
            actor=cast.volunteer, fund=fund, kind="grant", date=dt.date(2024, 11, 5), amount="5"
        )
    assert "หมวด" in _message(exc, "category")
    assert "ผู้รับ" in _message(exc, "recipient")
    with pytest.raises(ValidationError) as exc:
        services.entry_create(
            actor=cast.volunteer, fund=fund, kind="gift", date=dt.date(2024, 11, 5), amount="5"
        )
    assert "ประเภทรายการ" in _message(exc, "kind")


def test_dates_before_the_books_or_in_the_future_are_refused(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ValidationError) as exc:
        income(cast, fund, dt.date(2024, 9, 30), "100")
    assert "ก่อนปีงบประมาณแรก" in _message(exc, "date")
    with pytest.raises(ValidationError) as exc:
        income(cast, fund, services.today() + dt.timedelta(days=1), "100")
    assert "อนาคต" in _message(exc, "date")


def test_an_entry_that_would_take_the_fund_below_zero_is_refused(cast: Cast, fund: Fund) -> None:
    grant(cast, fund, dt.date(2024, 11, 1), "10,000")  # exactly to zero: allowed
    with pytest.raises(ValidationError) as exc:
        grant(cast, fund, dt.date(2024, 11, 2), "0.01")
    assert "ติดลบ" in _message(exc, "amount")
    assert queries.balance_now(fund) == D("0.00")


def test_a_backdated_grant_is_refused_when_a_later_balance_would_go_negative(
    cast: Cast, fund: Fund
) -> None:
    income(cast, fund, dt.date(2024, 12, 1), "1,000")
    grant(cast, fund, dt.date(2024, 12, 10), "11,000")
    # On 15 Nov there is 10,000, but the 10 Dec grant would then leave −500.
    with pytest.raises(ValidationError) as exc:
        grant(cast, fund, dt.date(2024, 11, 15), "500")
    assert "-500 บาท" in _message(exc, "amount")


def test_an_approved_overdraft_allows_a_negative_balance_within_its_limit_and_dates(
    cast: Cast, fund: Fund
) -> None:
    od = overdraft(
        cast.volunteer,
        fund,
        "5,000",
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 31),
        "รอเงินสมทบจากรัฐบาล",
    )
    # Pending: does not count yet.
    with pytest.raises(ValidationError):
        grant(cast, fund, dt.date(2024, 11, 10), "12,000")
    with pytest.raises(PermissionDenied):
        services.overdraft_decide(actor=cast.volunteer, overdraft=od, approve=True)
    services.overdraft_decide(actor=cast.coordinator, overdraft=od, approve=True)
    od.refresh_from_db()
    assert od.status == OverdraftStatus.APPROVED and od.approved_by == cast.coordinator
    grant(cast, fund, dt.date(2024, 11, 10), "12,000")  # −2,000: inside the limit
    with pytest.raises(ValidationError) as exc:
        grant(cast, fund, dt.date(2024, 11, 11), "3,001")
    assert "เกินวงเงินติดลบ" in _message(exc, "amount")
    # After the overdraft expires the balance may not be negative.
    with pytest.raises(ValidationError):
        grant(cast, fund, dt.date(2025, 1, 5), "1")
    assert AuditEvent.objects.filter(action="fund.overdraft_approve").count() == 1


def test_an_overdraft_cannot_be_approved_by_the_one_who_asked_or_twice(
    cast: Cast, fund: Fund
) -> None:
    od = overdraft(
        cast.coordinator, fund, "100", dt.date(2024, 11, 1), dt.date(2024, 11, 2), "ทดสอบ"
    )
    with pytest.raises(ValidationError) as exc:
        services.overdraft_decide(actor=cast.coordinator, overdraft=od, approve=True)
    assert "ของตนเอง" in _message(exc, "status")
    services.overdraft_decide(actor=cast.admin, overdraft=od, approve=False)
    with pytest.raises(ValidationError):
        services.overdraft_decide(actor=cast.admin, overdraft=od, approve=True)
    with pytest.raises(ValidationError) as exc:
        overdraft(cast.volunteer, fund, "-1", dt.date(2024, 11, 3), dt.date(2024, 11, 2), "")
    errors = exc.value.message_dict
    assert set(errors) == {"limit", "valid_until", "reason"}


def test_closing_a_year_freezes_it_and_carries_the_balance(cast: Cast, fund: Fund) -> None:
    income(cast, fund, dt.date(2024, 10, 15), "3,650")
    grant(cast, fund, dt.date(2025, 3, 1), "1,000")
    late = income(cast, fund, dt.date(2025, 10, 20), "500")  # FY 2569, while 2568 is open
    assert FiscalPeriod.objects.get(fund=fund, fiscal_year=2569).opening_balance is None
    with pytest.raises(PermissionDenied):
        services.period_close(actor=cast.volunteer, fund=fund, fiscal_year=2568)
    period = services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    assert period.is_closed and period.closing_balance == D("12650.00")
    nxt = FiscalPeriod.objects.get(fund=fund, fiscal_year=2569)
    assert nxt.opening_balance == D("12650.00")
    assert queries.books_check(fund) == []
    assert queries.balance_now(fund) == D("13150.00") and late.period == nxt
    with pytest.raises(ValidationError) as exc:
        income(cast, fund, dt.date(2025, 9, 30), "1")
    assert "ปิดงวดแล้ว" in _message(exc, "date")
    with pytest.raises(ValidationError) as exc:
        services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    assert "ปิดงวดไปแล้ว" in _message(exc, "fiscal_year")
    event = AuditEvent.objects.get(action="fund.period_close")
    assert event.after["closing"] == "12650.00"


def test_years_close_in_order_and_only_after_they_end(cast: Cast, fund: Fund) -> None:
    with pytest.raises(ValidationError) as exc:
        services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2569)
    assert "2568 ก่อน" in _message(exc, "fiscal_year")
    current = fiscal_year(services.today())
    services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    for year in range(2569, current):
        services.period_close(actor=cast.admin, fund=fund, fiscal_year=year)
    with pytest.raises(ValidationError) as exc:
        services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=current)
    assert "ยังไม่สิ้นสุด" in _message(exc, "fiscal_year")
    assert queries.balance_now(fund) == D("10000.00")


def test_a_reversal_corrects_in_an_open_year_and_cannot_be_reversed(cast: Cast, fund: Fund) -> None:
    wrong = grant(cast, fund, dt.date(2025, 2, 1), "3,000", category="death")
    services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(
            actor=cast.volunteer, entry=wrong, date=dt.date(2025, 9, 1), reason="ผิด"
        )
    assert "ปิดงวดแล้ว" in _message(exc, "date")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(
            actor=cast.volunteer, entry=wrong, date=dt.date(2025, 11, 1), reason=""
        )
    assert "เหตุผล" in _message(exc, "reason")
    back = services.entry_reverse(
        actor=cast.volunteer, entry=wrong, date=dt.date(2025, 11, 1), reason="จ่ายซ้ำ"
    )
    assert (
        back.reverses == wrong and back.effect == D("3000.00") and back.period.fiscal_year == 2569
    )
    assert queries.balance_now(fund) == D("10000.00")
    # The closed year keeps its figures; the correction shows in 2569's grants.
    years = {y.fiscal_year: y for y in queries.year_balances(fund)}
    assert years[2568].grants == D("3000.00") and years[2569].grants == D("-3000.00")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(
            actor=cast.volunteer, entry=back, date=dt.date(2025, 11, 2), reason="x"
        )
    assert "กลับรายการอยู่แล้ว" in _message(exc, "reverses")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(
            actor=cast.volunteer, entry=wrong, date=dt.date(2025, 11, 2), reason="x"
        )
    assert "ถูกกลับรายการไปแล้ว" in _message(exc, "reverses")
    assert dict((k, n) for k, _l, _v, n in queries.grants_by_category(fund)) == {}


def test_reversing_income_that_was_spent_is_refused(cast: Cast, fund: Fund) -> None:
    gift = income(cast, fund, dt.date(2024, 11, 1), "5,000", source="donation")
    grant(cast, fund, dt.date(2024, 11, 2), "15,000")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(
            actor=cast.volunteer, entry=gift, date=dt.date(2024, 11, 3), reason="เงินคืนผู้บริจาค"
        )
    assert "ติดลบ" in _message(exc, "date")


def test_only_the_managing_organisation_writes_entries(cast: Cast, fund: Fund) -> None:
    for who in (cast.somchai, cast.malee, cast.niran, cast.coordinator, cast.trat):
        with pytest.raises(PermissionDenied):
            services.entry_create(
                actor=who,
                fund=fund,
                kind=EntryKind.INCOME,
                date=dt.date(2024, 11, 5),
                amount="1",
                source="members",
            )
    services.entry_create(
        actor=cast.admin,
        fund=fund,
        kind=EntryKind.INCOME,
        date=dt.date(2024, 11, 5),
        amount="1",
        source="members",
    )
    assert Entry.objects.count() == 1


def test_the_worked_example_in_docs_funds_md(cast: Cast, fund: Fund) -> None:
    """docs/funds.md's example, figure for figure."""
    v = cast.volunteer

    def entry(kind: str, day: dt.date, amount: str, **kw: str) -> Entry:
        return services.entry_create(actor=v, fund=fund, kind=kind, date=day, amount=amount, **kw)

    entry("income", dt.date(2024, 10, 31), "36,500", source="members")
    entry("income", dt.date(2025, 1, 15), "36,500", source="government")
    entry("income", dt.date(2025, 2, 1), "12,000", source="local_government")
    entry("grant", dt.date(2025, 3, 1), "1,000", category="birth", recipient="x")
    entry("grant", dt.date(2025, 3, 2), "2,400", category="illness", recipient="x")
    entry("grant", dt.date(2025, 3, 3), "14,400", category="elderly", recipient="x")
    death = entry("grant", dt.date(2025, 3, 4), "8,000", category="death", recipient="x")
    twice = entry("grant", dt.date(2025, 3, 5), "8,000", category="death", recipient="x")
    entry("expense", dt.date(2025, 9, 1), "1,200")
    assert death.pk != twice.pk
    services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    years = {y.fiscal_year: y for y in queries.year_balances(fund)}
    assert years[2568].closing == D("60000.00") == years[2569].opening
    entry("income", dt.date(2025, 10, 5), "3,000", source="members")
    services.entry_reverse(actor=v, entry=twice, date=dt.date(2025, 11, 5), reason="บันทึกซ้ำ")
    with pytest.raises(ValidationError) as exc:
        entry("grant", dt.date(2025, 11, 10), "78,000", category="disaster", recipient="x")
    assert _message(exc, "amount") == (
        "รายการนี้ทำให้ยอดคงเหลือของกองทุนติดลบ (-7,000 บาท ณ วันที่ 10 พ.ย. 2568) โดยไม่มีการอนุมัติให้ยอดติดลบ"
    )
    od = overdraft(
        v, fund, "10,000", dt.date(2025, 11, 1), dt.date(2026, 3, 31), "เงินสมทบจากรัฐบาลยังไม่เข้า"
    )
    services.overdraft_decide(actor=cast.coordinator, overdraft=od, approve=True)
    entry("grant", dt.date(2025, 11, 10), "78,000", category="disaster", recipient="x")
    entry("income", dt.date(2026, 1, 15), "36,500", source="government")
    entry("repayment", dt.date(2026, 2, 20), "5,000")
    balances = [line.balance for line in queries.ledger(fund, 2569).lines]
    assert balances == [D(x) for x in ("63000", "71000", "-7000", "29500", "34500")]
    by_category = {k: v for k, _l, v, _n in queries.grants_by_category(fund, 2569)}
    assert by_category == {"disaster": D("78000.00"), "death": D("-8000.00")}


@pytest.mark.parametrize(
    ("opening", "words"), [("-5", "ติดลบไม่ได้"), ("ไม่ทราบ", "ต้องเป็นตัวเลข"), ("1.234", "ทศนิยม")]
)
def test_a_bad_opening_balance_is_refused(cast: Cast, opening: str, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.fund_create(
            actor=cast.volunteer,
            name="กองทุนทดสอบ",
            kind="welfare",
            area=Area.objects.get(code="400108"),
            organisation=cast.community_council,
            start_year=2568,
            opening_balance=opening,
        )
    assert words in _message(exc, "opening_balance")
    assert not Fund.objects.exists() and not FiscalPeriod.objects.exists()


def test_the_ledger_shows_the_latest_lines_with_balances_over_the_whole_year(
    cast: Cast, fund: Fund
) -> None:
    for day in (1, 2, 3, 4):
        income(cast, fund, dt.date(2024, 11, day), "100")
    grant(cast, fund, dt.date(2024, 11, 5), "50")
    book = queries.ledger(fund, 2568, limit=2)
    assert book.total == 5
    assert [(line.entry.date.day, line.balance) for line in book.lines] == [
        (4, D("10400.00")),
        (5, D("10350.00")),
    ]
    only_grants = queries.ledger(fund, 2568, kind="grant", q="สมศรี")
    assert [line.balance for line in only_grants.lines] == [D("10350.00")]


def test_every_write_leaves_one_audit_row_in_the_funds_area(cast: Cast, fund: Fund) -> None:
    e = grant(cast, fund, dt.date(2024, 11, 1), "100")
    services.attachment_add(
        actor=cast.volunteer, entry=e, upload=SimpleUploadedFile("a.txt", b"receipt 100 baht")
    )
    services.entry_reverse(actor=cast.volunteer, entry=e, date=dt.date(2024, 11, 2), reason="ผิด")
    od = overdraft(cast.volunteer, fund, "1", dt.date(2024, 11, 1), dt.date(2024, 11, 1), "ทดสอบ")
    services.overdraft_decide(actor=cast.coordinator, overdraft=od, approve=False)
    services.fund_update(
        actor=cast.volunteer,
        fund=fund,
        name="กองทุน ก",
        description="",
        is_public=True,
        kind="welfare",
    )
    services.period_close(actor=cast.coordinator, fund=fund, fiscal_year=2568)
    actions = list(
        AuditEvent.objects.filter(area_code="400108")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "fund.create",
        "fund.entry_create",
        "fund.attachment_add",
        "fund.entry_reverse",
        "fund.overdraft_request",
        "fund.overdraft_reject",
        "fund.update",
        "fund.period_close",
    ]
