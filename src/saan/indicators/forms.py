"""Forms of the volunteer's verification page: one small form per button on a value's card."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    """สอบทานแล้ว / รับรอง: an optional note of what was checked."""

    note = forms.CharField(label=_("บันทึกการสอบทาน"), max_length=500, required=False)


class ReturnForm(forms.Form):
    """ส่งกลับ: the reason is required, so whoever corrects the value knows what to fix."""

    reason = forms.CharField(
        label=_("เหตุผลที่ส่งกลับ"),
        max_length=500,
        error_messages={"required": _("กรุณาระบุเหตุผลที่ส่งกลับ")},
    )


class ValueForm(forms.Form):
    """แก้ไขค่า / บันทึกค่า: the number as typed (Thai digits and thousands separators are fine;
    the service checks it against the indicator)."""

    value = forms.CharField(
        label=_("ค่า"), max_length=40, error_messages={"required": _("กรุณาใส่ค่า")}
    )
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)
    reopen = forms.BooleanField(required=False)
