from django.urls import path

from . import views

app_name = "space_events"

urlpatterns = [
    path("espaces/plan/<int:year>/", views.plan, name="plan"),
    path("espaces/<slug:space>/evenements/", views.index, name="index"),
    path("espaces/<slug:space>/evenements/nouveau/", views.new, name="new"),
    path("espaces/<slug:space>/evenements/lier/", views.link, name="link"),
    path("espaces/<slug:space>/evenements/<int:pk>/", views.detail, name="detail"),
    path("espaces/<slug:space>/evenements/<int:pk>/inscription/", views.register, name="register"),
    path("espaces/<slug:space>/evenements/<int:pk>/annulation/", views.cancel, name="cancel"),
    path("espaces/<slug:space>/evenements/<int:pk>/places/", views.capacity, name="capacity"),
    path("espaces/<slug:space>/evenements/<int:pk>/accueil/", views.reception, name="reception"),
    path("espaces/<slug:space>/evenements/<int:pk>/accueil/<int:rpk>/", views.arrived, name="arrived"),
    path("espaces/<slug:space>/evenements/<int:pk>/emargement.pdf", views.sheet, name="sheet"),
]
