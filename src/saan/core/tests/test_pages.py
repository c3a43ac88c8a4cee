"""``core.pages.area_or_404``: the area a URL names, however its digits were written."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from saan.core.pages import area_or_404


def test_an_area_code_in_thai_or_arabic_digits_finds_the_area(reference: Any) -> None:
    assert area_or_404("400108").name_th == "สาวะถี"
    assert area_or_404("๔๐๐๑๐๘").code == "400108"
    assert area_or_404(" 40 ").code == "40"


@pytest.mark.parametrize("code", ["", "999999", "40x", "๙๙"])
def test_a_code_that_names_no_area_is_404(reference: Any, code: str) -> None:
    with pytest.raises(Http404):
        area_or_404(code)
