"""Public pages of a commune (kwarg ``commune``) and the staff moderation queue (``org``)."""

from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("<org:commune>/citoyens/", views.portal, name="portal"),
    path("<org:commune>/citoyens/connexion/", views.login, name="login"),
    path("<org:commune>/citoyens/mon-espace/", views.mine, name="mine"),
]
org_urlpatterns: list = []
