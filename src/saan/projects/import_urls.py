"""Routes of the spreadsheet import, included at /projects/import/ in the "projects" namespace."""

from django.urls import path

from saan.projects import import_views as views

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("<int:pk>/", views.import_status, name="import_status"),
    path("<int:pk>/columns/", views.import_map, name="import_map"),
    path("<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/report/", views.import_report, name="import_report"),
    path("<int:pk>/reset/", views.import_reset, name="import_reset"),
]
