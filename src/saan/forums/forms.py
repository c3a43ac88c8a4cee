"""Forms for the central space. They only read and check input; the views hand
``cleaned_data`` to ``services``, which decide permission and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saan.forums.models import (
    AgendaGoal,
    AgendaKind,
    Charter,
    CharterCommitment,
    CharterKind,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    PolicyProposal,
    Resolution,
    ResolutionStatus,
)
from saan.partners.models import Organisation, Sector

DATE = {"type": "date"}


def _date() -> forms.DateInput:
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


def _datetime() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _organisations() -> Any:
    return Organisation.objects.order_by("-is_strategic_partner", "name_th")


class PersonField(forms.CharField):
    """An existing sign-in, by username or e-mail (optional)."""

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text)).first()
        if user is None:
            raise forms.ValidationError(
                _("ไม่พบบัญชีผู้ใช้ “%(v)s” เว้นว่างได้ถ้าผู้นี้ยังไม่มีบัญชี"), params={"v": text}
            )
        return user


class MechanismForm(forms.ModelForm):
    class Meta:
        model = Mechanism
        fields = ["kind", "name", "description", "is_public", "term_start", "term_end"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "term_start": _date(),
            "term_end": _date(),
        }


class MemberForm(forms.ModelForm):
    user = PersonField(
        label=_("บัญชีผู้ใช้ (ชื่อผู้ใช้หรืออีเมล)"),
        required=False,
        max_length=254,
        help_text=_("สมาชิกที่มีบัญชีจะแก้ไขข้อมูลของกลไกนี้ได้"),
    )

    class Meta:
        model = MechanismMember
        fields = ["person_name", "organisation", "sector", "role", "position", "email",
                  "term_start"]  # fmt: skip
        widgets = {"term_start": _date()}
        help_texts = {"sector": _("เว้นว่างเพื่อใช้ภาคส่วนขององค์กร")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        sector = self.fields["sector"]
        assert isinstance(organisation, forms.ModelChoiceField)
        assert isinstance(sector, forms.ChoiceField)
        organisation.queryset = _organisations()
        sector.required = False
        sector.choices = [("", "—"), *Sector.choices]

    def _post_clean(self) -> None:
        # The service fills the sector from the organisation and checks the seat; a model
        # check here would reject a blank sector before it can.
        pass


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["number", "title", "starts_at", "ends_at", "place", "status", "minutes"]
        widgets = {
            "starts_at": _datetime(),
            "ends_at": _datetime(),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def _post_clean(self) -> None:
        pass


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("เรื่อง"), max_length=500)
    kind = forms.ChoiceField(
        label=_("ประเภทวาระ"),
        choices=[
            (AgendaKind.MEMBER, AgendaKind.MEMBER.label),
            (AgendaKind.OTHER, AgendaKind.OTHER.label),
        ],
    )
    detail = forms.CharField(
        label=_("รายละเอียด"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    raised_by = forms.ModelChoiceField(
        label=_("ผู้เสนอ"), queryset=MechanismMember.objects.none(), required=False
    )

    def __init__(self, *args: Any, mechanism: Mechanism, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["raised_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = mechanism.members.filter(term_end__isnull=True).select_related(
            "organisation"
        )


class AttendanceForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("สมาชิก"), queryset=MechanismMember.objects.none(), required=False
    )
    guest_name = forms.CharField(label=_("หรือ ชื่อผู้เข้าร่วม/กลุ่ม"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("องค์กร"), queryset=Organisation.objects.none(), required=False
    )
    sector = forms.ChoiceField(
        label=_("ภาคส่วน"), choices=[("", "—"), *Sector.choices], required=False
    )
    headcount = forms.IntegerField(label=_("จำนวนคน"), min_value=1, initial=1)

    def __init__(self, *args: Any, mechanism: Mechanism, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        organisation = self.fields["organisation"]
        assert isinstance(member, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        member.queryset = mechanism.members.select_related("organisation")
        organisation.queryset = _organisations()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("member") and not data.get("guest_name"):
            raise forms.ValidationError(_("กรุณาเลือกสมาชิกหรือใส่ชื่อผู้เข้าร่วม"))
        if not data.get("member") and not data.get("sector") and not data.get("organisation"):
            self.add_error("sector", _("กรุณาเลือกภาคส่วนหรือองค์กรของผู้เข้าร่วม"))
        return data


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["text", "owner", "due_date", "status", "projects", "indicators"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due_date": _date(),
            "projects": forms.SelectMultiple(attrs={"size": 6}),
            "indicators": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "status": _("มติที่ยังไม่มีหน่วยงานรับผิดชอบหรือกำหนดเสร็จ บันทึกได้เฉพาะเป็นร่าง"),
        }

    def __init__(self, *args: Any, projects: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from saan.indicators.models import Indicator

        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _organisations()
        project_field = self.fields["projects"]
        indicator_field = self.fields["indicators"]
        assert isinstance(project_field, forms.ModelMultipleChoiceField)
        assert isinstance(indicator_field, forms.ModelMultipleChoiceField)
        if projects is not None:
            project_field.queryset = projects
        indicator_field.queryset = Indicator.objects.order_by("sort_order", "code")

    def _post_clean(self) -> None:
        pass


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("ความคืบหน้า"), widget=forms.Textarea(attrs={"rows": 3}))
    new_status = forms.ChoiceField(
        label=_("สถานะหลังรายงาน"),
        required=False,
        choices=[("", _("ไม่เปลี่ยน"))]
        + [(v, label) for v, label in ResolutionStatus.choices if v != ResolutionStatus.DRAFT],
    )
    reported_on = forms.DateField(label=_("วันที่รายงาน"), required=False, widget=_date())


class AgendaForm(forms.ModelForm):
    class Meta:
        model = CommonAgenda
        fields = ["fiscal_year", "vision", "description", "mechanism", "adopted_on", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "adopted_on": _date()}
        help_texts = {"fiscal_year": _("ปี พ.ศ. เช่น 2569")}

    def __init__(self, *args: Any, area_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mechanism"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Mechanism.objects.filter(area__code__startswith=area_code[:2])

    def _post_clean(self) -> None:
        pass


class GoalForm(forms.ModelForm):
    """A goal with up to three indicators and their targets."""

    organisations = forms.ModelMultipleChoiceField(
        label=_("องค์กรที่ร่วมรับผิดชอบ"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = AgendaGoal
        fields = ["title", "theme", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from saan.indicators.models import Indicator

        orgs = self.fields["organisations"]
        assert isinstance(orgs, forms.ModelMultipleChoiceField)
        orgs.queryset = _organisations()
        for n in (1, 2, 3):
            self.fields[f"indicator_{n}"] = forms.ModelChoiceField(
                label=_("ตัวชี้วัด %(n)s") % {"n": n},
                queryset=Indicator.objects.order_by("sort_order", "code"),
                required=False,
            )
            self.fields[f"target_{n}"] = forms.DecimalField(
                label=_("ค่าเป้าหมาย %(n)s") % {"n": n},
                required=False,
                max_digits=20,
                decimal_places=4,
            )

    def targets(self) -> list[tuple[Any, Any]]:
        data = self.cleaned_data
        return [
            (data[f"indicator_{n}"], data.get(f"target_{n}"))
            for n in (1, 2, 3)
            if data.get(f"indicator_{n}")
        ]

    def _post_clean(self) -> None:
        pass


class CharterForm(forms.ModelForm):
    text = forms.CharField(
        label=_("เนื้อหาธรรมนูญ"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )

    class Meta:
        model = Charter
        fields = ["title", "kind", "vision", "mechanism", "is_public"]

    def __init__(self, *args: Any, area_code: str, with_text: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mechanism"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Mechanism.objects.filter(area__code__startswith=area_code[:2])
        self.fields["kind"].initial = CharterKind.HEALTH
        if with_text:
            self.fields["text"].required = True
        else:
            del self.fields["text"]

    def _post_clean(self) -> None:
        pass


class CharterTextForm(forms.Form):
    text = forms.CharField(label=_("เนื้อหาธรรมนูญ"), widget=forms.Textarea(attrs={"rows": 14}))
    change_note = forms.CharField(label=_("สิ่งที่เปลี่ยน"), max_length=500, required=False)


class SignForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("องค์กร"), queryset=Organisation.objects.none())
    signer_name = forms.CharField(label=_("ผู้ลงนาม"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("วันที่ลงนาม"), widget=_date())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _organisations()


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = CharterCommitment
        fields = ["text", "owner", "indicator"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self) -> None:
        pass


class ProposalForm(forms.ModelForm):
    class Meta:
        model = PolicyProposal
        fields = ["title", "text", "addressed_to", "resolution", "status", "submitted_on",
                  "response", "responded_on"]  # fmt: skip
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "submitted_on": _date(),
            "responded_on": _date(),
        }

    def __init__(self, *args: Any, mechanism: Mechanism, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resolution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Resolution.objects.filter(meeting__mechanism=mechanism)

    def _post_clean(self) -> None:
        pass


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์"),
        help_text=_("PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT หรือ CSV ไม่เกิน 10 MB"),
    )
    title = forms.CharField(label=_("คำอธิบาย"), max_length=300, required=False)
