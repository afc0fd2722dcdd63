from django.urls import path

from . import views

app_name = "agenda"

org_urlpatterns = [
    path("ressources/", views.resources, name="resources"),
]
