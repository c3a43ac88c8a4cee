from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saan.areas.forms import AreaCodeField
from saan.partners.models import Organisation, Role, Sector


class OrganisationForm(forms.Form):
    name_th = forms.CharField(label=_("ชื่อภาษาไทย"), max_length=200)
    name_en = forms.CharField(label=_("ชื่อภาษาอังกฤษ"), max_length=200, required=False)
    short_name = forms.CharField(label=_("ชื่อย่อ"), max_length=40, required=False)
    short_name_en = forms.CharField(label=_("ชื่อย่อภาษาอังกฤษ"), max_length=40, required=False)
    sector = forms.ChoiceField(label=_("ภาคส่วน"), choices=Sector.choices)
    parent = forms.ModelChoiceField(
        label=_("สังกัด"), queryset=Organisation.objects.all(), required=False
    )
    home_area = AreaCodeField(
        label=_("รหัสพื้นที่ตั้ง"),
        required=False,
        help_text=_("รหัสจังหวัด อำเภอ หรือตำบล เช่น 400108 เว้นว่างสำหรับหน่วยงานระดับชาติ"),
    )
    website = forms.URLField(label=_("เว็บไซต์"), required=False, assume_scheme="https")
    alliance_role_th = forms.CharField(
        label=_("บทบาทในภาคี"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_from(cls, org: Organisation) -> dict:
        return {
            "name_th": org.name_th,
            "name_en": org.name_en,
            "short_name": org.short_name,
            "short_name_en": org.short_name_en,
            "sector": org.sector,
            "parent": org.parent_id,
            "home_area": org.home_area_id or "",
            "website": org.website,
            "alliance_role_th": org.alliance_role_th,
        }


class PersonField(forms.CharField):
    """An existing person, by username or e-mail."""

    def clean(self, value: str):  # type: ignore[no-untyped-def, override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text)).first()
        if user is None:
            raise forms.ValidationError(
                _("ไม่พบบุคคลที่ใช้ชื่อผู้ใช้หรืออีเมล “%(v)s” เพิ่มบุคคลใหม่ด้านล่างได้"),
                params={"v": text},
            )
        return user


class MembershipForm(forms.Form):
    person = PersonField(label=_("บุคคล (ชื่อผู้ใช้หรืออีเมล)"), max_length=254)
    role = forms.ChoiceField(label=_("บทบาท"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("องค์กร"), queryset=Organisation.objects.all(), required=False
    )
    area = AreaCodeField(
        label=_("รหัสพื้นที่รับผิดชอบ"),
        required=False,
        help_text=_("สิทธิ์ครอบคลุมทุกพื้นที่ที่อยู่ภายใต้ เว้นว่างหมายถึงทั้งประเทศ (เฉพาะผู้ดูแลระบบ)"),
    )
    title = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)


class MembershipEditForm(forms.Form):
    role = forms.ChoiceField(label=_("บทบาท"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("องค์กร"), queryset=Organisation.objects.all(), required=False
    )
    area = AreaCodeField(label=_("รหัสพื้นที่รับผิดชอบ"), required=False)
    title = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("ใช้งานอยู่"), required=False)


class PersonForm(forms.Form):
    username = forms.RegexField(
        label=_("ชื่อผู้ใช้"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . @ + - _")},
    )
    email = forms.EmailField(label=_("อีเมล"))
    first_name = forms.CharField(label=_("ชื่อ"), max_length=150)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150, required=False)
    area = AreaCodeField(label=_("รหัสพื้นที่ที่จะมอบสิทธิ์"))
