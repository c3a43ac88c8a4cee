import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from saan.core import thai


class TestBuddhistEraDates:
    def test_short_thai_date_uses_be_year_and_thai_month(self):
        assert thai.thai_date(dt.date(2025, 5, 2)) == "2 พ.ค. 2568"

    def test_long_thai_date(self):
        assert thai.thai_date(dt.date(2024, 10, 1), long=True) == "1 ตุลาคม 2567"

    def test_aware_datetime_is_shown_in_bangkok_time(self):
        # 18:30 UTC on 30 Sep is already 1 Oct in Bangkok (UTC+7).
        moment = dt.datetime(2025, 9, 30, 18, 30, tzinfo=dt.UTC)
        assert thai.thai_date(moment) == "1 ต.ค. 2568"
        assert thai.thai_datetime(moment) == "1 ต.ค. 2568 01:30 น."

    def test_be_and_ce_years_convert_both_ways(self):
        assert thai.be_year(2025) == 2568
        assert thai.ce_year(2568) == 2025


class TestFiscalYear:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (dt.date(2024, 9, 30), 2567),
            (dt.date(2024, 10, 1), 2568),
            (dt.date(2025, 9, 30), 2568),
            (dt.date(2025, 10, 1), 2569),
            (dt.date(2025, 1, 15), 2568),
        ],
    )
    def test_a_date_belongs_to_the_year_in_which_september_ends(self, day, expected):
        assert thai.fiscal_year(day) == expected

    def test_fiscal_year_range(self):
        assert thai.fiscal_year_range(2568) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))

    def test_fiscal_years_spanned(self):
        assert thai.fiscal_years_spanned(dt.date(2024, 6, 1), dt.date(2025, 12, 31)) == [
            2567,
            2568,
            2569,
        ]

    def test_spanned_rejects_reversed_range(self):
        with pytest.raises(ValueError):
            thai.fiscal_years_spanned(dt.date(2025, 1, 2), dt.date(2025, 1, 1))


class TestBaht:
    @pytest.mark.parametrize(
        ("text", "amount"),
        [
            ("80,000.-", Decimal("80000.00")),
            ("1.2 ล้านบาท", Decimal("1200000.00")),
            ("1,500 บาท", Decimal("1500.00")),
            ("๑,๕๐๐ บาท", Decimal("1500.00")),
            ("฿2,500.50", Decimal("2500.50")),
            ("3 ล้าน", Decimal("3000000.00")),
            (250, Decimal("250")),
        ],
    )
    def test_parse_reads_amounts_as_people_write_them(self, text, amount):
        assert thai.parse_baht(text) == amount

    @pytest.mark.parametrize("text", ["", "ไม่ทราบ", "1,2,3a", "NaN", "=SUM(A1:A3)"])
    def test_parse_refuses_what_is_not_an_amount(self, text):
        with pytest.raises(ValueError):
            thai.parse_baht(text)

    def test_format_groups_thousands_and_drops_zero_satang(self):
        assert thai.format_baht(Decimal("80000")) == "80,000 บาท"
        assert thai.format_baht(Decimal("1234567.5")) == "1,234,567.50 บาท"
        assert thai.format_baht(None) == "–"


class TestPlaceText:
    def test_thai_digits_become_arabic(self):
        assert thai.normalise_digits("ปี ๒๕๖๘ หมู่ ๓") == "ปี 2568 หมู่ 3"

    @pytest.mark.parametrize(
        ("written", "folded"),
        [
            ("ต.สาวะถี", "สาวะถี"),
            ("ตำบล สาวะถี", "สาวะถี"),
            ("อ. เมืองขอนแก่น", "เมืองขอนแก่น"),
            ("จังหวัดขอนแก่น", "ขอนแก่น"),
            ("เขตพระนคร", "พระนคร"),
            ("แขวงวังบูรพาภิรมย์", "วังบูรพาภิรมย์"),
            ("Khon-Kaen", "khonkaen"),
            ("กรุงเทพฯ", "กรุงเทพ"),
        ],
    )
    def test_fold_removes_level_words_marks_and_case(self, written, folded):
        assert thai.fold(written) == folded

    def test_split_place_query_separates_levels(self):
        assert thai.split_place_query("สาวะถี อ.เมือง ขอนแก่น") == ["สาวะถี", "เมือง", "ขอนแก่น"]
        assert thai.split_place_query("ต.สาวะถีอ.เมืองจ.ขอนแก่น") == ["สาวะถี", "เมือง", "ขอนแก่น"]


class TestTemplateFilters:
    def render(self, text, **context):
        return Template(text).render(Context(context))

    def test_filters_follow_the_active_language(self):
        day = dt.date(2025, 5, 2)
        with translation.override("th"):
            assert self.render("{{ d|thai_date }}", d=day) == "2 พ.ค. 2568"
            assert self.render("{{ n|baht }}", n=Decimal("80000")) == "80,000 บาท"
        with translation.override("en"):
            assert self.render("{{ d|thai_date }}", d=day) == "2 May 2025"
            assert self.render("{{ n|baht }}", n=Decimal("80000")) == "80,000 baht"

    def test_estimates_in_whole_baht(self):
        with translation.override("th"):
            assert (
                self.render("{% load thai %}{{ n|baht_whole }}", n=Decimal("23694999.95"))
                == "23,695,000 บาท"
            )
            assert self.render("{% load thai %}{{ n|baht_whole }}", n=None) == "–"
            assert self.render("{% load thai %}{{ n|baht }}", n=Decimal("1.50")) == "1.50 บาท"

    def test_fiscal_year_filter(self):
        assert self.render("{{ d|fiscal_year }}", d=dt.date(2024, 10, 1)) == "2568"
