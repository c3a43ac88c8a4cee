"""Routes: pages for people, /api/ for programs, /admin/ for administrators."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from saan.api import api
from saan.areas import views as area_views

urlpatterns = [
    path("", area_views.national, name="home"),
    path("areas/", include("saan.areas.urls")),
    path("partners/", include("saan.partners.urls")),
    path("projects/", include("saan.projects.urls")),
    path("forums/", include("saan.forums.urls")),
    path("indicators/", include("saan.indicators.urls")),
    path("overlaps/", include("saan.overlaps.urls")),
    path("plans/", include("saan.plans.urls")),
    path("funds/", include("saan.funds.urls")),
    path("accounts/", include("saan.accounts.urls")),
    path("history/", include("saan.audit.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "saan.core.views.bad_request"
handler403 = "saan.core.views.permission_denied"
handler404 = "saan.core.views.page_not_found"
handler500 = "saan.core.views.server_error"

admin.site.site_header = "Saan (สาน)"
admin.site.site_title = "Saan"
