"""History pages: per object and per area."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse

from saan.areas.models import Area
from saan.audit import queries
from saan.core.pages import page


@login_required
def object_history(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    events = queries.object_history(request.user, target_type, target_id)
    if events is None:
        raise Http404
    label = events.values_list("target_label", flat=True).first() or target_id
    paginator = Paginator(events, 50)
    return page(
        request,
        "audit/history.html",
        {"page_obj": paginator.get_page(request.GET.get("page")), "title": label, "area": None},
    )


@login_required
def area_history(request: HttpRequest, code: str) -> HttpResponse:
    area = Area.objects.filter(code=code).first()
    events = queries.area_history(request.user, code)
    if area is None or events is None:
        raise Http404
    paginator = Paginator(events, 50)
    return page(
        request,
        "audit/history.html",
        {
            "page_obj": paginator.get_page(request.GET.get("page")),
            "title": area.full_name,
            "area": area,
        },
    )
