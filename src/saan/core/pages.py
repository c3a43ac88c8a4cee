"""Rendering pages: a full page for a normal request, only the changing part for htmx."""

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

M = TypeVar("M", bound=Model)


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template``; an htmx request that targets part of the page gets ``partial``."""
    htmx = getattr(request, "htmx", None)
    name = partial if partial and htmx and not htmx.boosted else template
    return render(request, name, context, status=status)


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One object from an already permission-filtered queryset. Missing and forbidden look the
    same to the caller: 404."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def signed_in_user(request: HttpRequest) -> User:
    """The request's user in a view that requires sign-in (``login_required`` ran first)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    return user


def area_or_404(code: str) -> Any:
    """The area with this DOPA code, written with Thai or Arabic digits; 404 when there is none."""
    from saan.areas.models import Area
    from saan.core.thai import normalise_digits

    area = Area.objects.filter(code=normalise_digits(code).strip()).first()
    if area is None:
        raise Http404
    return area
