"""Organisation pages and membership management. Thin: permission filters come from
``permissions``, writes go through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.core.pages import apply_errors, get_or_404, page
from saan.core.thai import normalise_digits
from saan.partners import permissions, services
from saan.partners.forms import MembershipEditForm, MembershipForm, OrganisationForm, PersonForm
from saan.partners.models import Organisation, Role, Sector


def organisations(request: HttpRequest) -> HttpResponse:
    qs = (
        Organisation.objects.select_related("home_area", "parent")
        .annotate(branch_count=Count("branches"))
        .order_by("-is_strategic_partner", "name_th")
    )
    sector = request.GET.get("sector", "")
    term = normalise_digits(request.GET.get("q", "")).strip()[:100]
    within = normalise_digits(request.GET.get("within", "")).strip()[:6]
    if sector in Sector.values:
        qs = qs.filter(sector=sector)
    if term:
        qs = qs.filter(
            Q(name_th__icontains=term)
            | Q(name_en__icontains=term)
            | Q(short_name__icontains=term)
            | Q(short_name_en__icontains=term)
        )
    if within.isdigit():
        qs = qs.filter(home_area__code__startswith=within)
    paginator = Paginator(qs, 50)
    return page(
        request,
        "partners/organisations.html",
        {
            "page_obj": paginator.get_page(request.GET.get("page")),
            "sectors": Sector.choices,
            "sector": sector,
            "q": term,
            "within": within,
            "can_create": permissions.is_admin(request.user)
            or bool([c for c in permissions.coordinator_codes(request.user) if c]),
        },
        partial="partners/_organisation_rows.html",
    )


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_or_404(Organisation.objects.select_related("home_area", "parent"), pk=pk)
    return page(
        request,
        "partners/organisation.html",
        {
            "org": org,
            "branches": org.branches.select_related("home_area"),
            "can_edit": permissions.organisations_editable_by(request.user).filter(pk=pk).exists(),
            "can_see_history": request.user.is_authenticated,
            "member_count": org.memberships.filter(is_active=True).count(),
        },
    )


def _organisation_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    fields["alliance_role_en"] = fields.get("alliance_role_en", "")
    return fields


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("home_area", str(exc))
        else:
            messages.success(request, _("เพิ่มองค์กรแล้ว"))
            return redirect(org)
    return page(request, "partners/organisation_form.html", {"form": form, "org": None})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_or_404(permissions.organisations_editable_by(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, initial=OrganisationForm.initial_from(org))
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_update(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("home_area", str(exc))
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect(org)
    return page(request, "partners/organisation_form.html", {"form": form, "org": org})


@login_required
def memberships(request: HttpRequest) -> HttpResponse:
    """The coordinator's page: everyone with a role inside the areas they run."""
    codes = permissions.coordinator_codes(request.user)
    if not codes:
        raise Http404
    qs = permissions.memberships_visible_to(request.user).order_by("area_id", "user__first_name")
    within = normalise_digits(request.GET.get("within", "")).strip()[:6]
    if within.isdigit():
        qs = qs.filter(area__code__startswith=within)
    manageable = set(
        permissions.memberships_manageable_by(request.user).values_list("pk", flat=True)
    )
    initial_area = within or next((c for c in codes if c), "")
    return page(
        request,
        "partners/memberships.html",
        {
            "memberships": qs,
            "manageable": manageable,
            "within": within,
            "coordinated": Area.objects.filter(code__in=[c for c in codes if c]),
            "form": MembershipForm(initial={"area": initial_area, "role": Role.VIEWER}),
            "person_form": PersonForm(initial={"area": initial_area}),
        },
    )


@login_required
def membership_create(request: HttpRequest) -> HttpResponse:
    if not permissions.coordinator_codes(request.user):
        raise Http404
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_create(
                actor=request.user,
                user=data["person"],
                role=data["role"],
                organisation=data["organisation"],
                area=data["area"],
                title=data["title"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            messages.success(request, _("มอบบทบาทแล้ว"))
            return redirect(
                reverse("partners:memberships")
                + f"?within={data['area'].code if data['area'] else ''}"
            )
    return page(request, "partners/membership_form.html", {"form": form, "membership": None})


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_or_404(permissions.memberships_manageable_by(request.user), pk=pk)
    form = MembershipEditForm(
        request.POST or None,
        initial={
            "role": membership.role,
            "organisation": membership.organisation_id,
            "area": membership.area_id or "",
            "title": membership.title,
            "is_active": membership.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect("partners:memberships")
    return page(request, "partners/membership_form.html", {"form": form, "membership": membership})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not permissions.coordinator_codes(request.user):
        raise Http404
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                area_code=data["area"].code,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("area", str(exc))
        else:
            _send_welcome(request, person)
            messages.success(
                request,
                _("เพิ่ม %(name)s แล้ว และส่งอีเมลให้ตั้งรหัสผ่าน ต่อไปมอบบทบาทให้ได้เลย")
                % {"name": person.get_full_name()},
            )
            return redirect(reverse("partners:memberships") + f"?within={data['area'].code}")
    return page(request, "partners/person_form.html", {"form": form})


def _send_welcome(request: HttpRequest, person: Any) -> None:
    """E-mail a new person a link to set their own password (Django's reset token)."""
    link = request.build_absolute_uri(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
                "token": default_token_generator.make_token(person),
            },
        )
    )
    body = render_to_string("partners/welcome_email.txt", {"person": person, "link": link})
    send_mail(_("บัญชี Saan ของคุณพร้อมใช้งาน"), body, None, [person.email])
