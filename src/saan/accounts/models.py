"""Signing in: API tokens for programs, and the record of failed sign-ins that throttles
guessing."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-user token for programs calling the API. Only its SHA-256 is stored; the token is
    shown once, when it is made. ``prefix`` (the first 8 characters) lets a person tell tokens
    apart in the list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("ชื่อโทเคน"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("โทเคน API")
        verbose_name_plural = _("โทเคน API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class FailedLogin(models.Model):
    """One failed sign-in. Recent rows per name and per address decide whether to throttle."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("การเข้าระบบไม่สำเร็จ")
        verbose_name_plural = _("การเข้าระบบไม่สำเร็จ")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"
