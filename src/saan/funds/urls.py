from django.urls import path

from saan.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.fund_new, name="new"),
    path("area/<str:code>/", views.area_funds, name="area"),
    path("<int:pk>/", views.fund_detail, name="fund"),
    path("<int:pk>/public/", views.public_summary, name="public"),
    path("<int:pk>/edit/", views.fund_edit, name="edit"),
    path("<int:pk>/entries/new/", views.entry_new, name="entry_new"),
    path("<int:pk>/close/", views.period_close, name="close"),
    path("<int:pk>/overdrafts/new/", views.overdraft_new, name="overdraft_new"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("entries/<int:pk>/attach/", views.entry_attach, name="entry_attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("overdrafts/<int:pk>/decide/", views.overdraft_decide, name="overdraft_decide"),
]
