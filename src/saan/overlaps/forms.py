"""Forms of overlaps: the list's filters, decisions, comments, synonyms and the gaps picker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saan.overlaps.models import FindingKind, FindingState
from saan.projects.models import OrgRole

ROLE_CHOICES = [
    (OrgRole.PARTNER.value, OrgRole.PARTNER.label),
    (OrgRole.IMPLEMENTING.value, OrgRole.IMPLEMENTING.label),
    (OrgRole.FUNDING.value, OrgRole.FUNDING.label),
]


class FindingFilterForm(forms.Form):
    fy = forms.TypedChoiceField(label=_("ปีงบประมาณ"), required=False, coerce=int, empty_value=None)
    state = forms.MultipleChoiceField(
        label=_("สถานะ"),
        required=False,
        choices=FindingState.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min = forms.FloatField(label=_("เกณฑ์คะแนน"), required=False, min_value=0, max_value=1)
    kind = forms.ChoiceField(
        label=_("ชนิด"), required=False, choices=[("", _("ทั้งหมด")), *FindingKind.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [("", _("ทุกปี")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("ความเห็น"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("เหตุผล/ความเห็น"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LinkForm(DecisionForm):
    role_of_a_in_b = forms.ChoiceField(label=_("บทบาทขององค์กร ก ในโครงการ ข"), choices=ROLE_CHOICES)
    role_of_b_in_a = forms.ChoiceField(label=_("บทบาทขององค์กร ข ในโครงการ ก"), choices=ROLE_CHOICES)


class PickProjectForm(DecisionForm):
    project = forms.TypedChoiceField(label=_("โครงการ"), coerce=int)

    def __init__(self, *args: Any, pair: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = pair  # type: ignore[attr-defined]


class SynonymForm(forms.Form):
    phrases = forms.CharField(
        label=_("คำที่มีความหมายเดียวกัน (หนึ่งคำต่อบรรทัด)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label=_("หมายเหตุ"), required=False, max_length=300)
    is_active = forms.BooleanField(label=_("ใช้งานอยู่"), required=False, initial=True)

    def phrase_list(self) -> list[str]:
        return [p for p in self.cleaned_data["phrases"].splitlines() if p.strip()]


class GapsForm(forms.Form):
    indicator = forms.ChoiceField(label=_("ตัวชี้วัดความต้องการ"), required=False)
    period = forms.ChoiceField(label=_("ช่วงเวลาของข้อมูล"), required=False)
    theme = forms.ChoiceField(label=_("ประเด็นงาน"), required=False)
    fy = forms.TypedChoiceField(
        label=_("ปีงบประมาณของงาน"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[tuple[str, str]],
        periods: list[tuple[str, str]],
        themes: list[tuple[str, str]],
        years: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
        self.fields["theme"].choices = [("", _("ทุกประเด็น")), *themes]  # type: ignore[attr-defined]
        self.fields["fy"].choices = [("", _("ทุกปี")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]
