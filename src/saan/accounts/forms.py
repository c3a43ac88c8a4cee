from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("ชื่อผู้ใช้หรืออีเมล"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("รหัสผ่าน"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("ชื่อโทเคน"),
        max_length=100,
        help_text=_("ตั้งชื่อให้รู้ว่าใช้กับโปรแกรมใด เช่น “สคริปต์ดึงข้อมูลตำบล”"),
    )
