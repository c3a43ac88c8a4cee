from django.urls import include, path

from saan.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("area/<str:code>/", views.picture, name="picture"),
    path("area/<str:code>/verify/", views.verify, name="verify"),
    path("area/<str:code>/pending/", views.pending, name="pending"),
    path(
        "area/<str:code>/verify/<slug:indicator>/<slug:action>/",
        views.verify_action,
        name="verify_action",
    ),
    # Import and export pages (saan.indicators.import_urls, the importer's), before the
    # indicator codes so that "import" is not read as one.
    path("import/", include("saan.indicators.import_urls")),
    path("<slug:code>/", views.detail, name="detail"),
]
