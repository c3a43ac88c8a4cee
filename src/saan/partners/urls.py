from django.urls import path

from saan.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.organisations, name="organisations"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation, name="organisation"),
    path("<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("memberships/", views.memberships, name="memberships"),
    path("memberships/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("people/new/", views.person_create, name="person_create"),
]
