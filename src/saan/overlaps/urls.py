from django.urls import path

from saan.overlaps import views

app_name = "overlaps"
urlpatterns = [
    path("", views.index, name="index"),
    path("area/<str:code>/", views.findings_page, name="area"),
    path("all/", views.findings_page, name="country"),
    path("finding/<int:pk>/", views.finding_detail, name="finding"),
    path("finding/<int:pk>/<str:action>/", views.finding_action, name="action"),
    path("scan/", views.scan_start, name="scan"),
    path("run/<int:pk>/", views.run_detail, name="run"),
    path("check/", views.check_form, name="check"),
    path("gaps/", views.gaps_page, name="gaps_country"),
    path("gaps/<str:code>/", views.gaps_page, name="gaps"),
    path("gaps/<str:code>/export.<str:fmt>", views.gaps_export, name="gaps_export"),
    path("gaps-export.<str:fmt>", views.gaps_export, {"code": ""}, name="gaps_export_country"),
    path("synonyms/", views.synonyms_page, name="synonyms"),
]
