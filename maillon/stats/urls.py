from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("comptes/statistiques/", views.opt_out, name="opt_out"),
]

org_urlpatterns = [
    path("statistiques/", views.index, name="index"),
    path("statistiques/pages/<str:route>/", views.page, name="page"),
]
