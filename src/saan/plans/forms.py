"""Forms of the joint-plan pages. They only shape input; the services validate and decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.core.thai import normalise_digits
from saan.forums.models import AgendaGoal, CommonAgenda, Resolution
from saan.indicators.models import Indicator
from saan.partners.models import Organisation
from saan.plans.models import (
    BudgetSource,
    Contribution,
    ContributionKind,
    InKindType,
    ItemRole,
    Plan,
    PlanItem,
)
from saan.projects.models import Project
from saan.projects.queries import reaches_q


class _OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label if obj.label == obj.name else f"{obj.label} — {obj.name}"


class _OrgsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class _AreasChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.full_name}"


class PlanForm(forms.Form):
    title = forms.CharField(label=_("ชื่อแผน"), max_length=300)
    fiscal_year = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2500, max_value=2700)
    fiscal_year_end = forms.IntegerField(
        label=_("ถึงปีงบประมาณ (พ.ศ.)"),
        min_value=2500,
        max_value=2700,
        required=False,
        help_text=_("เว้นว่างถ้าแผนครอบคลุมปีเดียว"),
    )
    agenda = forms.ModelChoiceField(
        label=_("วาระร่วม"), queryset=CommonAgenda.objects.none(), required=False
    )
    description = forms.CharField(label=_("คำอธิบาย"), widget=forms.Textarea, required=False)
    is_public = forms.BooleanField(label=_("เปิดเผยต่อสาธารณะ"), required=False)
    items_from_goals = forms.BooleanField(
        label=_("สร้างรายการแผนจากเป้าหมายของวาระร่วม"), required=False, initial=True
    )

    def __init__(self, *args: Any, area: Area, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda"].queryset = CommonAgenda.objects.filter(area=area)  # type: ignore[attr-defined]
        if editing:
            del self.fields["fiscal_year"]
            del self.fields["items_from_goals"]


class ItemForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("เป้าหมายวาระร่วม"), queryset=AgendaGoal.objects.none(), required=False
    )
    title = forms.CharField(label=_("รายการแผน"), max_length=300)
    description = forms.CharField(label=_("รายละเอียด"), widget=forms.Textarea, required=False)
    budget_needed = forms.CharField(
        label=_("งบประมาณที่ต้องการ (บาท)"), required=False, help_text=_("เช่น 500,000")
    )
    order = forms.IntegerField(label=_("ลำดับ"), min_value=1, max_value=999, required=False)
    areas = _AreasChoice(
        label=_("พื้นที่ดำเนินการ"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("เว้นว่างหมายถึงทั้งพื้นที่ของแผน"),
    )
    lead = _OrgChoice(label=_("หน่วยงานหลัก"), queryset=Organisation.objects.all(), required=False)
    partners = _OrgsChoice(
        label=_("ภาคีร่วมดำเนินการ"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    technical = _OrgsChoice(
        label=_("สนับสนุนวิชาการ/ข้อมูล"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("โครงการที่ดำเนินการ (จากทะเบียนงาน)"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = forms.CharField(
        label=_("ตัวชี้วัดและค่าเป้าหมาย"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งตัว: รหัสตัวชี้วัด = ค่าเป้าหมาย เช่น welfare-fund-coverage = 30"),
    )

    def __init__(self, *args: Any, plan: Plan, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = AgendaGoal.objects.filter(agenda_id=plan.agenda_id) if plan.agenda_id else None
        self.fields["goal"].queryset = goals if goals is not None else AgendaGoal.objects.none()  # type: ignore[attr-defined]
        self.fields["areas"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            code__startswith=plan.area_id
        ).exclude(code=plan.area_id)
        self.fields["projects"].queryset = projects.filter(reaches_q(plan.area_id)).order_by(  # type: ignore[attr-defined]
            "title"
        )

    def clean_indicators(self) -> list[tuple[Indicator, Decimal | None]]:
        pairs: list[tuple[Indicator, Decimal | None]] = []
        for n, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            line = normalise_digits(line).strip()
            if not line:
                continue
            code, _sep, target = line.partition("=")
            indicator = Indicator.objects.filter(code=code.strip()).first()
            if indicator is None:
                raise forms.ValidationError(
                    _("บรรทัด %(n)s: ไม่พบตัวชี้วัดรหัส “%(c)s”") % {"n": n, "c": code.strip()}
                )
            value: Decimal | None = None
            if target.strip():
                try:
                    value = Decimal(target.strip().replace(",", ""))
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("บรรทัด %(n)s: ค่าเป้าหมาย “%(v)s” ไม่ใช่ตัวเลข")
                        % {"n": n, "v": target.strip()}
                    ) from None
            pairs.append((indicator, value))
        return pairs

    @staticmethod
    def initial_for(item: PlanItem) -> dict[str, Any]:
        roles = list(item.roles.all())
        return {
            "goal": item.goal_id,
            "title": item.title,
            "description": item.description,
            "budget_needed": "" if item.budget_needed is None else f"{item.budget_needed:,.2f}",
            "order": item.order,
            "areas": list(item.areas.all()),
            "lead": next((r.organisation_id for r in roles if r.role == ItemRole.LEAD), None),
            "partners": [r.organisation_id for r in roles if r.role == ItemRole.PARTNER],
            "technical": [r.organisation_id for r in roles if r.role == ItemRole.TECHNICAL],
            "projects": list(item.projects.all()),
            "indicators": "\n".join(
                f"{x.indicator.code} = {'' if x.target is None else x.target.normalize()}"
                for x in item.indicators.select_related("indicator")
            ),
        }

    def organisations(self) -> list[tuple[Organisation, str]]:
        d = self.cleaned_data
        roles: list[tuple[Organisation, str]] = []
        if d.get("lead"):
            roles.append((d["lead"], ItemRole.LEAD))
        roles += [(o, ItemRole.PARTNER) for o in d.get("partners") or []]
        roles += [(o, ItemRole.TECHNICAL) for o in d.get("technical") or []]
        return roles


class ContributionForm(forms.Form):
    organisation = _OrgChoice(label=_("องค์กรที่สมทบ"), queryset=Organisation.objects.none())
    fiscal_year = forms.TypedChoiceField(label=_("ปีงบประมาณ"), coerce=int)
    kind = forms.ChoiceField(label=_("ลักษณะ"), choices=ContributionKind.choices)
    in_kind_type = forms.ChoiceField(
        label=_("ประเภทการสนับสนุนที่ไม่ใช่ตัวเงิน"), choices=InKindType.choices, required=False
    )
    source = forms.ModelChoiceField(
        label=_("แหล่งงบประมาณ"), queryset=BudgetSource.objects.none(), required=False
    )
    pledged = forms.CharField(label=_("ให้คำมั่น (บาท)"), required=False)
    committed = forms.CharField(label=_("ผูกพันแล้ว (บาท)"), required=False)
    disbursed = forms.CharField(label=_("เบิกจ่าย/โอนแล้ว (บาท)"), required=False)
    spent = forms.CharField(label=_("ใช้จ่ายแล้ว (บาท)"), required=False)
    funded_by = forms.ModelChoiceField(
        label=_("เงินส่งต่อจาก"),
        queryset=Contribution.objects.none(),
        required=False,
        help_text=_("ถ้าเงินนี้ได้รับมาจากการสมทบขององค์กรอื่น (นับยอดครั้งเดียวที่ต้นทาง)"),
    )
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)
    is_public = forms.BooleanField(label=_("เปิดเผยต่อสาธารณะ"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        item: PlanItem,
        organisations: Any,
        contribution: Contribution | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        plan = item.plan
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["fiscal_year"].choices = [(y, str(y)) for y in plan.fiscal_years]  # type: ignore[attr-defined]
        sources = BudgetSource.objects.filter(area_id=plan.province_code)
        if contribution is None or contribution.source_id is None:
            sources = sources.filter(is_active=True)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
        ups = Contribution.objects.filter(item=item).select_related("organisation")
        if contribution is not None:
            ups = ups.exclude(pk=contribution.pk)
        self.fields["funded_by"].queryset = ups  # type: ignore[attr-defined]
        self.fields["funded_by"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.organisation.label} · {c.fiscal_year} · {c.pledged:,.0f}"
        )
        if contribution is not None:
            for name in self.fields:
                value = getattr(contribution, name)
                self.initial[name] = f"{value:,.2f}" if isinstance(value, Decimal) else value
            self.initial["organisation"] = contribution.organisation_id
            self.initial["source"] = contribution.source_id
            self.initial["funded_by"] = contribution.funded_by_id


class AgreeForm(forms.Form):
    resolution = forms.ModelChoiceField(
        label=_("มติที่เห็นชอบ"), queryset=Resolution.objects.none(), required=False
    )
    agreed_on = forms.DateField(
        label=_("วันที่เห็นชอบ"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    def __init__(self, *args: Any, resolutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = resolutions  # type: ignore[attr-defined]
        self.fields["resolution"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.meeting} · {r.text[:80]}"
        )
        self.initial.setdefault("agreed_on", dt.date.today())


class SourceForm(forms.Form):
    name = forms.CharField(label=_("แหล่งงบประมาณ"), max_length=200)
