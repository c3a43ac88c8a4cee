from django.urls import path

from saan.audit import views

app_name = "audit"
urlpatterns = [
    path("area/<str:code>/", views.area_history, name="area"),
    path("<str:target_type>/<str:target_id>/", views.object_history, name="object"),
]
