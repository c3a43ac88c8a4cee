"""Sign in and out, password reset, the person's own page ("my areas") and API tokens."""

from __future__ import annotations

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.accounts import services
from saan.accounts.forms import SignInForm, TokenForm
from saan.accounts.models import ApiToken
from saan.core.pages import get_or_404, page, signed_in_user
from saan.partners import permissions


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse_lazy("accounts:me"))


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"]
        ip = _client_ip(request)
        if services.login_is_throttled(username=name, ip_address=ip):
            form.add_error(
                None,
                _("เข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่ หรือใช้ “ลืมรหัสผ่าน”"),
            )
            status = 429
        else:
            user = authenticate(request, username=name, password=form.cleaned_data["password"])
            if user is None:
                services.login_failed(username=name, ip_address=ip)
                # One message for a wrong password and an unknown name: it must not tell which.
                form.add_error(None, _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
                status = 400
            else:
                services.login_succeeded(username=name)
                login(request, user)
                return redirect(_safe_next(request))
    return page(
        request, "accounts/login.html", {"form": form, "next": _safe_next(request)}, status=status
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("ออกจากระบบแล้ว"))
    return redirect("home")


@lru_cache(maxsize=8)
def _token_form_html(language: str) -> tuple[str, str]:
    """The empty token form's label and input, drawn once per language: the same for everyone,
    and drawing a form field through the widget templates costs more than the rest of the
    page's markup."""
    field = TokenForm()["name"]
    return mark_safe(str(field.label_tag())), mark_safe(str(field))


@login_required
def me(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation", "area").order_by(  # type: ignore[union-attr]
        "-is_active", "area_id"
    )
    return page(
        request,
        "accounts/me.html",
        {
            "memberships": memberships,
            "is_admin": permissions.is_admin(request.user),
            "coordinator_codes": permissions.coordinator_codes(request.user),
            "tokens": ApiToken.objects.filter(user=signed_in_user(request)),
            "token_form": _token_form_html(get_language() or "th"),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            # Shown once: only the hash is kept.
            messages.success(
                request,
                _("สร้างโทเคน “%(name)s” แล้ว คัดลอกเก็บไว้ตอนนี้ ระบบจะไม่แสดงอีก: %(raw)s")
                % {"name": token.name, "raw": raw},
            )
    else:
        messages.error(request, _("กรุณาตั้งชื่อโทเคน"))
    return redirect("accounts:me")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_or_404(ApiToken.objects.filter(user=signed_in_user(request)), pk=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("ยกเลิกโทเคนแล้ว"))
    return redirect("accounts:me")


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
