"""Routes of the import and export pages, relative to where the indicator routes include them:

    path("import/", include("saan.indicators.import_urls"))

inside ``saan.indicators.urls`` (namespace ``indicators``), which puts the upload page at
/indicators/import/ and these names under ``indicators:``.
"""

from django.urls import path

from saan.indicators import import_views as views

urlpatterns = [
    path("", views.upload, name="import"),
    path("template.csv", views.template, name="import_template"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="import_detail"),
    path("<int:pk>/commit/", views.commit, name="import_commit"),
    path("<int:pk>/recheck/", views.recheck, name="import_recheck"),
    path("<int:pk>/status/", views.status, name="import_status"),
]
