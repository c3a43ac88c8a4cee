"""What every app's API module shares: the error schemas, the organisation reference, the
caller of an open read, one visible object or 404, and the 403/422 answers built from the
services' ``PermissionDenied`` and ``ValidationError``.

Each app keeps its own Router (mounted by ``saan.api``); these are the pieces that were the
same in all of them, so the OpenAPI schema names (``ErrorOut``, ``ValidationErrorOut``,
``OrgRefOut``) and the JSON stay what programs already read.
"""

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Schema, Status
from ninja.errors import AuthenticationError

from saan.accounts.api_auth import api_user

INVALID = "ข้อมูลไม่ถูกต้อง / The data is not valid"
NOT_ALLOWED = "ไม่มีสิทธิ์ / Not allowed"

M = TypeVar("M", bound=Model)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class OrgRefOut(Schema):
    id: int
    name_th: str
    short_name: str


def org_ref(org: Any) -> dict[str, Any]:
    """An organisation as ``OrgRefOut``."""
    return {"id": org.pk, "name_th": org.name_th, "short_name": org.short_name}


def strict_caller(request: HttpRequest) -> Any:
    """The caller of an open read; a sent token must be valid, or the answer would silently
    shrink to public data and a program would never learn its token had expired."""
    user = api_user(request)
    sent = request.headers.get("Authorization", "")
    if sent.lower().startswith("bearer ") and not getattr(user, "is_authenticated", False):
        raise AuthenticationError()
    return user


def visible_or_404(queryset: QuerySet[M], pk: int, message: str) -> M:
    """One object from a visibility-filtered queryset; missing and forbidden both answer 404."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(message)
    return obj


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A ``ValidationError``'s messages by field (``__all__`` when it names none)."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def invalid(errors: ValidationError | dict[str, list[str]]) -> Status[dict[str, Any]]:
    """The 422 answer (``ValidationErrorOut``) for a ``ValidationError`` or messages by field."""
    if isinstance(errors, ValidationError):
        errors = error_messages(errors)
    return Status(422, {"detail": INVALID, "errors": errors})


def forbidden(exc: PermissionDenied) -> Status[dict[str, Any]]:
    """The 403 answer (``ErrorOut``): the service's own message, else a generic one."""
    return Status(403, {"detail": str(exc) or NOT_ALLOWED})
