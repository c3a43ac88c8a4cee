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
