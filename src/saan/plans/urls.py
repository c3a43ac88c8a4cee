from django.urls import path

from saan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("co-investment/", views.co_investment, name="co_investment"),
    path("area/<str:code>/", views.area_view, name="area"),
    path("area/<str:code>/new/", views.plan_create, name="plan_create"),
    path("area/<str:code>/sources/", views.sources_vocabulary, name="sources_vocabulary"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/matrix/", views.plan_matrix, name="matrix"),
    path("<int:pk>/sources/", views.plan_sources, name="sources"),
    path("<int:pk>/unfunded/", views.plan_unfunded, name="unfunded"),
    path("<int:pk>/agree/", views.plan_agree, name="agree"),
    path("<int:pk>/versions/", views.plan_versions, name="versions"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("<int:pk>/export.<str:fmt>", views.plan_export, name="export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/contribute/", views.contribution_add, name="contribute"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/remove/", views.contribution_remove, name="contribution_remove"),
]
