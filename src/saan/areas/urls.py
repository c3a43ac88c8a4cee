from django.urls import path

from saan.areas import views

app_name = "areas"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/edit/", views.group_edit, name="group_edit"),
    path("groups/<slug:slug>/members/", views.group_member_set, name="group_member_set"),
    path(
        "groups/<slug:slug>/members/<str:code>/remove/",
        views.group_member_remove,
        name="group_member_remove",
    ),
    path("<str:code>/", views.detail, name="detail"),
]
