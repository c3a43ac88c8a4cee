from django import forms
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area, AreaGroup
from saan.core.thai import normalise_digits


class AreaGroupForm(forms.ModelForm):
    class Meta:
        model = AreaGroup
        fields = [
            "kind",
            "slug",
            "name_th",
            "name_en",
            "description",
            "parent",
            "starts_on",
            "ends_on",
            "sort_order",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class AreaCodeField(forms.CharField):
    """An area given by its code (Thai digits accepted)."""

    default_error_messages = {"unknown": _("ไม่พบพื้นที่รหัส %(code)s")}

    def __init__(self, *, levels: tuple[str, ...] | None = None, **kwargs: object) -> None:
        self.levels = levels
        super().__init__(max_length=12, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: str) -> Area | None:  # type: ignore[override]
        text = normalise_digits(super().clean(value) or "").strip()
        if not text:
            return None
        area = Area.objects.filter(code=text).first()
        if area is None or (self.levels and area.level not in self.levels):
            raise forms.ValidationError(self.error_messages["unknown"], params={"code": text})
        return area


class GroupMemberForm(forms.Form):
    area = AreaCodeField(label=_("รหัสพื้นที่"), help_text=_("เช่น 40 (ขอนแก่น)"))
    mentor = AreaCodeField(label=_("จังหวัดพี่เลี้ยง (ถ้ามี)"), required=False, levels=("province",))
