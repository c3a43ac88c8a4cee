"""Writes for signing in: API tokens and the failed-sign-in record. Audited like every write."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.accounts.models import ApiToken, FailedLogin, hash_token
from saan.audit.services import record

TOKEN_PREFIX = "saan_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for


@transaction.atomic
def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Make an API token for the actor. Returns the row and the raw token, which is shown to the
    person once and never stored."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("ต้องเข้าสู่ระบบก่อน"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("กรุณาตั้งชื่อโทเคน เช่น ชื่อโปรแกรมที่จะใช้")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw)
    )
    record(actor=actor, action="apitoken.create", target=token, after={"name": token.name})
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("ไม่พบโทเคนนี้"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="apitoken.revoke",
            target=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
    return token


def user_for_token(raw: str) -> Any:
    """The active user a raw token belongs to, or None. Records when it was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy program should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.SAAN_LOGIN_WINDOW_SECONDS)


def login_is_throttled(*, username: str, ip_address: str | None) -> bool:
    """Too many recent failures for this name, or from this address."""
    recent = FailedLogin.objects.filter(at__gte=_window_start())
    limit = settings.SAAN_LOGIN_MAX_FAILURES
    if recent.filter(username=username.strip().lower()).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def login_failed(*, username: str, ip_address: str | None) -> None:
    # Not audited: it changes no data anyone works with, and an attacker could flood the trail.
    FailedLogin.objects.create(username=username.strip().lower()[:254], ip_address=ip_address)


def login_succeeded(*, username: str) -> None:
    FailedLogin.objects.filter(username=username.strip().lower()).delete()
