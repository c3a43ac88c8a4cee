"""Pages: who sees what (404 for the rest), the entry form, closing, the public summary without
names, exports that never carry a live formula, and evidence files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from saan.conftest import PASSWORD, Cast
from saan.funds import queries, services
from saan.funds.models import Entry, EntryAttachment, Fund
from saan.funds.tests.conftest import grant, income, project
from saan.projects.models import Visibility

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def client_for(user: object | None) -> Client:
    c = Client()
    if user is not None:
        assert c.login(username=user.get_username(), password=PASSWORD)  # type: ignore[attr-defined]
    return c


@pytest.fixture
def books(cast: Cast, fund: Fund) -> Fund:
    income(cast, fund, dt.date(2024, 11, 1), "3,650", source="members")
    income(cast, fund, dt.date(2024, 12, 1), "3,650", source="government")
    grant(cast, fund, dt.date(2025, 1, 10), "1,000", category="birth")
    return fund


def test_the_full_books_are_for_the_managing_organisation_and_the_coordinators(
    cast: Cast, books: Fund
) -> None:
    url = books.get_absolute_url()
    for who in (cast.volunteer, cast.coordinator, cast.admin):
        r = client_for(who).get(url)
        assert r.status_code == 200, who
        assert "นางสมศรี มีสุข" in r.content.decode()
    for who in (cast.somchai, cast.malee, cast.niran, cast.trat, None):
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).get(f"/funds/{books.pk}/export.csv").status_code == 404


def test_the_public_summary_shows_totals_and_categories_but_no_names(
    cast: Cast, books: Fund
) -> None:
    r = client_for(None).get(books.get_public_url())
    text = r.content.decode()
    assert r.status_code == 200
    assert "7,300 บาท" in text and "เกิด" in text and "เงินสมทบจากรัฐบาล" in text
    for name in ("นางสมศรี", "มีสุข", "บุญมี", "แก้วประเสริฐ"):
        assert name not in text
    services.fund_update(
        actor=cast.volunteer,
        fund=books,
        name=books.name,
        description="",
        is_public=False,
        kind=books.kind,
    )
    assert client_for(None).get(books.get_public_url()).status_code == 404
    assert client_for(cast.niran).get("/funds/").content.decode().count(books.name) == 0


def test_the_fund_list_links_outsiders_to_the_public_summary(cast: Cast, books: Fund) -> None:
    text = client_for(cast.niran).get("/funds/?area=40").content.decode()
    assert books.get_public_url() in text and f'href="{books.get_absolute_url()}"' not in text
    text = client_for(cast.volunteer).get("/funds/?area=4001").content.decode()
    assert f'href="{books.get_absolute_url()}"' in text
    assert books.name not in client_for(None).get("/funds/?area=23").content.decode()


def test_an_unknown_area_code_lists_no_fund_and_says_why(cast: Cast, books: Fund) -> None:
    assert books.name in client_for(cast.volunteer).get("/funds/").content.decode()
    response = client_for(cast.volunteer).get("/funds/?area=999999")
    text = response.content.decode()
    assert response.status_code == 200
    assert books.name not in text
    assert "ไม่พบพื้นที่รหัส “999999”" in text and 'value="999999"' in text


def test_the_list_balances_match_each_funds_books(cast: Cast, books: Fund) -> None:
    paid = grant(cast, books, dt.date(2025, 11, 5), "500")
    services.entry_reverse(actor=cast.volunteer, entry=paid, date=dt.date(2025, 11, 6), reason="ผิด")
    empty = Fund.objects.create(
        name="ว่าง", area_id=books.area_id, organisation=books.organisation, start_year=2568
    )
    assert queries.balances_now([books, empty]) == {
        books.pk: queries.balance_now(books),
        empty.pk: Decimal("0"),
    }
    assert queries.balance_now(books) != 0


def test_recording_an_entry_through_the_form(cast: Cast, books: Fund) -> None:
    c = client_for(cast.volunteer)
    url = f"/funds/{books.pk}/entries/new/"
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {
            "kind": "income",
            "date": "2025-02-01",
            "amount": "๕๐๐",
            "source": "local_government",
            "reference": "อบต.001",
            "file": SimpleUploadedFile("receipt.pdf", PDF),
        },
    )
    assert r.status_code == 302
    e = Entry.objects.get(reference="อบต.001")
    assert e.amount == Decimal("500.00") and e.attachments.count() == 1
    r = c.post(url, {"kind": "grant", "date": "2025-02-01", "amount": "-5", "category": "death"})
    assert r.status_code == 200
    assert "มากกว่าศูนย์" in r.content.decode() and "ผู้รับ" in r.content.decode()
    # A page for someone who may read but not write: 404.
    assert client_for(cast.coordinator).get(url).status_code == 404


def test_closing_a_year_from_the_page(cast: Cast, books: Fund) -> None:
    url = f"/funds/{books.pk}/close/"
    assert client_for(cast.volunteer).get(url).status_code == 404
    c = client_for(cast.coordinator)
    assert "2568" in c.get(url).content.decode()
    assert c.post(url, {"fiscal_year": "2568"}).status_code == 302
    years = {y.fiscal_year: y for y in queries.year_balances(books)}
    assert years[2568].is_closed and years[2569].opening == Decimal("16300.00")


def test_an_overdraft_is_asked_for_and_approved_on_the_page(cast: Cast, books: Fund) -> None:
    r = client_for(cast.volunteer).post(
        f"/funds/{books.pk}/overdrafts/new/",
        {
            "limit": "2,000",
            "valid_from": "2025-01-01",
            "valid_until": "2025-03-31",
            "reason": "รอเงินสมทบ",
        },
    )
    assert r.status_code == 302
    od = books.overdrafts.get()
    assert client_for(cast.volunteer).post(f"/funds/overdrafts/{od.pk}/decide/").status_code == 404
    client_for(cast.coordinator).post(f"/funds/overdrafts/{od.pk}/decide/", {"decision": "approve"})
    od.refresh_from_db()
    assert od.status == "approved"


def test_exports_are_formula_safe(cast: Cast, books: Fund) -> None:
    services.entry_create(
        actor=cast.volunteer,
        fund=books,
        kind="expense",
        date=dt.date(2025, 2, 2),
        amount="10",
        description='=HYPERLINK("http://evil.example","x")',
        reference="+1-2",
    )
    c = client_for(cast.volunteer)
    rows = list(csv.reader(io.StringIO(c.get(f"/funds/{books.pk}/export.csv").content.decode())))
    assert rows[-1][7].startswith("'=") and rows[-1][8] == "'+1-2"
    assert rows[-1][-1] == "16290.00"
    wb = load_workbook(io.BytesIO(c.get(f"/funds/{books.pk}/export.xlsx?fy=2568").content))
    ws = wb.active
    assert ws is not None
    cells = [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert not any(v.startswith(("=", "+", "@")) for v in cells)
    assert any(v.startswith("'=HYPERLINK") for v in cells)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "HTML"),
        ("fake.pdf", b"<svg onload=alert(1)>", "HTML"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "ไม่ตรงกับนามสกุล"),
        ("tool.exe", b"MZ", "รับเฉพาะไฟล์"),
    ],
)
def test_unsafe_evidence_is_refused(
    cast: Cast, books: Fund, name: str, data: bytes, words: str
) -> None:
    entry = books.entries.first()
    assert entry is not None
    with pytest.raises(services.ValidationError) as exc:
        services.attachment_add(
            actor=cast.volunteer, entry=entry, upload=SimpleUploadedFile(name, data)
        )
    assert words in " ".join(exc.value.messages)
    assert not EntryAttachment.objects.exists()


def test_evidence_is_a_download_only_for_readers(cast: Cast, books: Fund) -> None:
    entry = books.entries.first()
    assert entry is not None
    a = services.attachment_add(
        actor=cast.volunteer, entry=entry, upload=SimpleUploadedFile("slip.pdf", PDF)
    )
    r = client_for(cast.coordinator).get(f"/funds/attachments/{a.pk}/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert client_for(cast.niran).get(f"/funds/attachments/{a.pk}/").status_code == 404
    assert client_for(None).get(f"/funds/attachments/{a.pk}/").status_code == 404


def test_a_reversal_from_the_page(cast: Cast, books: Fund) -> None:
    entry = books.entries.get(kind="grant")
    c = client_for(cast.volunteer)
    r = c.post(f"/funds/entries/{entry.pk}/reverse/", {"date": "2025-02-01", "reason": "จ่ายผิดคน"})
    assert r.status_code == 302
    assert Entry.objects.filter(reverses=entry).count() == 1
    r = c.post(f"/funds/entries/{entry.pk}/reverse/", {"date": "2025-02-02", "reason": "ซ้ำ"})
    assert "ถูกกลับรายการไปแล้ว" in r.content.decode()
    assert client_for(cast.somchai).get(f"/funds/entries/{entry.pk}/reverse/").status_code == 404


def test_the_fund_is_edited_by_its_writers_and_coordinators_only(cast: Cast, books: Fund) -> None:
    url = f"/funds/{books.pk}/edit/"
    assert client_for(cast.somchai).get(url).status_code == 404
    r = client_for(cast.coordinator).post(
        url, {"name": "กองทุนสวัสดิการชุมชนสาวะถี", "kind": "welfare", "description": ""}
    )
    assert r.status_code == 302
    books.refresh_from_db()
    assert books.name == "กองทุนสวัสดิการชุมชนสาวะถี" and books.is_public is False
    assert client_for(None).get(books.get_public_url()).status_code == 404


def test_a_grant_to_a_project_the_writer_cannot_see_is_refused(cast: Cast, books: Fund) -> None:
    hidden = project(cast.admin, "สสส.", "โครงการภายใน", Visibility.PRIVATE, ["23"])
    with pytest.raises(services.ValidationError) as exc:
        services.entry_create(
            actor=cast.volunteer,
            fund=books,
            kind="grant",
            date=dt.date(2025, 2, 1),
            amount="100",
            category="project",
            project=hidden,
        )
    assert "ไม่พบโครงการ" in " ".join(exc.value.message_dict["project"])


def test_the_fund_page_reads_in_english(cast: Cast, books: Fund) -> None:
    c = client_for(cast.volunteer)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = c.get(books.get_absolute_url()).content.decode()
    assert "Ledger, fiscal year 2568" in text and "Income by source" in text
    assert "Government match" in text


def test_a_grant_to_a_project_through_the_form(cast: Cast, books: Fund) -> None:
    made = project(cast.somchai, "พอช.", "บ้านมั่นคงสาวะถี", Visibility.PUBLIC, ["400108"])
    c = client_for(cast.volunteer)
    url = f"/funds/{books.pk}/entries/new/"
    assert "บ้านมั่นคงสาวะถี" in c.get(url).content.decode()
    r = c.post(
        url,
        {
            "kind": "grant",
            "date": "2025-02-01",
            "amount": "2,000",
            "category": "project",
            "project": made.pk,
        },
    )
    assert r.status_code == 302
    assert Entry.objects.get(project=made).amount == Decimal("2000.00")
    text = c.get(books.get_absolute_url() + "?fy=2568").content.decode()
    assert "ทุนที่จ่ายให้โครงการ" in text and made.get_absolute_url() in text
