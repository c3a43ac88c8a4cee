from django.urls import include, path

from saan.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("export/<str:fmt>/", views.project_export, name="export"),
    path("import/", include("saan.projects.import_urls")),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/notes/", views.project_note, name="note"),
]
