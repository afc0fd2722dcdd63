from django.urls import path

from . import views

app_name = "audit"

org_urlpatterns = [
    path("admin/journal/", views.journal, name="journal"),
]
