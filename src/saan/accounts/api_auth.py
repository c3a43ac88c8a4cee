"""How programs authenticate to the API: ``Authorization: Bearer saan_…`` (a per-user token),
or the browser's session. Both end in the same ``request.user`` and the same permission helpers."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from saan.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def api_user(request: HttpRequest) -> Any:
    """The caller of an endpoint that is open to everyone but shows more to members: the token's
    user when a valid token is sent, else the session's user (possibly anonymous)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            request.user = user
            return user
    return request.user


signed_in = [TokenAuth(), django_auth]
