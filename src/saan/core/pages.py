"""Rendering pages: a full page for a normal request, only the changing part for htmx."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: each message on the field it names when
    the form has that field, otherwise (and for a message without a field) on the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    """Say a service's refusal as error messages on the next page (for POST-only buttons that
    redirect rather than show a form)."""
    for text in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, text)


def save_form(
    request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any], success: str
) -> HttpResponse | None:
    """Run ``action`` (which calls a service) for a valid POSTed form and redirect to what it
    returns (an object with ``get_absolute_url`` or a URL), saying ``success``. ``None`` when the
    form is to be shown (again): not a POST, not valid, or the service refused; a refusal's
    messages are then on the form (``apply_errors``; a ``PermissionDenied`` on the whole form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        target = action(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, success)
    return redirect(target)


def submit_form(
    request: HttpRequest,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    done: str,
    invalid: str | None = None,
) -> None:
    """A small POST-only form that redirects whatever happens (a button on a page, an upload): a
    valid form goes to its service (``write`` gets the cleaned data), and the outcome is said in
    a message: ``done``, the service's refusal, ``invalid``, or the form's own field messages."""
    if not form.is_valid():
        if invalid is not None:
            messages.error(request, invalid)
            return
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return
    try:
        write(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, done)
