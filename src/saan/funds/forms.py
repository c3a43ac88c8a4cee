"""Forms for funds. They only read input; the views hand ``cleaned_data`` to ``services``, which
check permission and the balance rules and give the Thai messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saan.funds.models import EntryKind, FundKind, GrantCategory, IncomeSource
from saan.partners.models import Organisation


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label: Any, *, required: bool = True) -> forms.CharField:
    # Text, not a number field: people type "1,500", "๑,๕๐๐ บาท"; the service reads and checks it.
    return forms.CharField(
        label=label,
        required=required,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class FundForm(forms.Form):
    name = forms.CharField(label=_("ชื่อกองทุน"), max_length=300)
    kind = forms.ChoiceField(label=_("ประเภทกองทุน"), choices=FundKind.choices)
    area = forms.CharField(
        label=_("รหัสพื้นที่"), max_length=6, help_text=_("รหัสตำบล อำเภอ หรือจังหวัด เช่น 400108")
    )
    organisation = forms.ModelChoiceField(
        label=_("องค์กรที่บริหารกองทุน"), queryset=Organisation.objects.order_by("name_th")
    )
    start_year = forms.IntegerField(
        label=_("ปีงบประมาณแรกที่บันทึก (พ.ศ.)"), min_value=2400, max_value=2700
    )
    opening_balance = _money(_("ยอดยกมาต้นปีแรก (บาท)"), required=False)
    description = forms.CharField(
        label=_("รายละเอียด"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("เปิดเผยสรุปยอดต่อสาธารณะ (ไม่แสดงชื่อบุคคล)"), required=False, initial=True
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภทรายการ"), choices=EntryKind.choices)
    date = forms.DateField(label=_("วันที่"), widget=_date())
    amount = _money(_("จำนวนเงิน (บาท)"))
    source = forms.ChoiceField(
        label=_("แหล่งรายรับ"),
        choices=[("", "—"), *IncomeSource.choices],
        required=False,
        help_text=_("สำหรับรายรับ"),
    )
    category = forms.ChoiceField(
        label=_("หมวดการจ่าย"),
        choices=[("", "—"), *GrantCategory.choices],
        required=False,
        help_text=_("สำหรับการจ่ายทุน / สวัสดิการ"),
    )
    project: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("โครงการที่รับทุน"), queryset=None, required=False, help_text=_("ถ้ามี")
    )
    recipient = forms.CharField(
        label=_("ผู้รับ / กลุ่มผู้รับ"),
        max_length=300,
        required=False,
        help_text=_("ไม่แสดงในหน้าสรุปสาธารณะ"),
    )
    description = forms.CharField(label=_("รายละเอียด"), max_length=500, required=False)
    reference = forms.CharField(label=_("เลขที่เอกสาร"), max_length=64, required=False)
    file = forms.FileField(
        label=_("หลักฐาน (ใบเสร็จ สลิป)"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT หรือ CSV ไม่เกิน 10 MB"),
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("วันที่กลับรายการ"), widget=_date())
    reason = forms.CharField(label=_("เหตุผล"), max_length=400)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์หลักฐาน"),
        help_text=_("PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT หรือ CSV ไม่เกิน 10 MB"),
    )


class OverdraftForm(forms.Form):
    limit = _money(_("วงเงินติดลบได้ไม่เกิน (บาท)"))
    valid_from = forms.DateField(label=_("ตั้งแต่วันที่"), widget=_date())
    valid_until = forms.DateField(label=_("ถึงวันที่"), widget=_date())
    reason = forms.CharField(
        label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CloseForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("ปีงบประมาณที่จะปิดงวด"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, str(y)) for y in years]


class FundEditForm(forms.Form):
    name = forms.CharField(label=_("ชื่อกองทุน"), max_length=300)
    kind = forms.ChoiceField(label=_("ประเภทกองทุน"), choices=FundKind.choices)
    description = forms.CharField(
        label=_("รายละเอียด"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(label=_("เปิดเผยสรุปยอดต่อสาธารณะ (ไม่แสดงชื่อบุคคล)"), required=False)
