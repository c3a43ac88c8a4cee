"""The importer's forms: the upload, and the column mapping (one choice per column)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saan.partners.models import Organisation
from saan.projects.importing.columns import IGNORE, ImportField, column_letter
from saan.projects.importing.read import max_bytes, megabytes


class UploadForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("นำเข้าโครงการของหน่วยงาน"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    file = forms.FileField(
        label=_("ไฟล์ Excel (.xlsx) หรือ CSV"),
        help_text=_("แถวชื่อเรื่องและหัวตารางสองชั้นใช้ได้ ระบบหาแถวหัวตารางให้เอง"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("ไฟล์ใหญ่เกิน %(limit)s MB (ไฟล์นี้ %(size)s MB): แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์")
                % {"limit": megabytes(limit), "size": megabytes(upload.size or 0)}
            )
        return upload


def field_choices() -> list[tuple[str, str]]:
    return [(IGNORE, str(_("— ไม่นำเข้า —"))), *((v, str(label)) for v, label in ImportField.choices)]


class MappingForm(forms.Form):
    """``header_row`` and ``sheet`` choose where the table is; ``col_N`` says what column N is."""

    sheet = forms.ChoiceField(label=_("แผ่นงาน"), required=False)
    header_row = forms.IntegerField(
        label=_("แถวหัวตาราง"),
        min_value=1,
        max_value=200,
        help_text=_("แถวที่มีชื่อคอลัมน์ (เลขแถวตามที่ Excel แสดง)"),
    )

    def __init__(self, *args: Any, headers: list[str], sheets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        sheet = self.fields["sheet"]
        assert isinstance(sheet, forms.ChoiceField)
        sheet.choices = [(s, s) for s in sheets]
        if len(sheets) <= 1:
            sheet.widget = forms.HiddenInput()
        for col, text in enumerate(headers):
            self.fields[f"col_{col}"] = forms.ChoiceField(
                label=f"{column_letter(col)} · {text or '—'}",
                choices=field_choices(),
                required=False,
            )

    def column_fields(self) -> list[tuple[int, Any]]:
        return [(col, self[f"col_{col}"]) for col in range(len(self.headers))]

    def mapping(self) -> dict[int, str]:
        return {
            col: self.cleaned_data.get(f"col_{col}") or IGNORE for col in range(len(self.headers))
        }
