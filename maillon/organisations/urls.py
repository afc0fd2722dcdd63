from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("media/logos/<str:path>", views.logo, name="logo"),
    path("media/logos/small/<str:path>", views.logo_small, name="logo_small"),
]

org_urlpatterns = [
    path("admin/organisation/", views.organisation_settings, name="settings"),
]
