from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]

org_urlpatterns = [
    path("", views.dashboard, name="org_home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("menu/", views.menu, name="menu"),
]
