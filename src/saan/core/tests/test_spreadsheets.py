import pytest

from saan.core.spreadsheets import safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+66", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']
)
def test_formula_like_text_becomes_literal_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["โครงการดูแลผู้สูงอายุ", "", 1500, -20, 3.5, None])
def test_other_values_are_kept(value):
    assert safe_cell(value) == value


def test_csv_bytes_has_a_bom_and_no_live_formula():
    import csv as csv_module
    import io as io_module

    from saan.core.spreadsheets import csv_bytes

    data = csv_bytes([["ชื่อ", "จำนวน"], ["=HYPERLINK(1)", 5], [None, "-2+3"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv_module.reader(io_module.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["ชื่อ", "จำนวน"], ["'=HYPERLINK(1)", "5"], ["", "'-2+3"]]
