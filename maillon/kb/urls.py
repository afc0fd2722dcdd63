from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("espaces/<slug:space>/base/", views.index, name="index"),
    path("espaces/<slug:space>/base/nouvelle/", views.new, name="new"),
    path("espaces/<slug:space>/base/<int:pk>/", views.page, name="page"),
    path("espaces/<slug:space>/base/<int:pk>/modifier/", views.edit, name="edit"),
    path("espaces/<slug:space>/base/<int:pk>/supprimer/", views.delete, name="delete"),
    path("espaces/<slug:space>/base/<int:pk>/historique/", views.history, name="history"),
    path("espaces/<slug:space>/base/<int:pk>/comparer/", views.compare, name="compare"),
    path("espaces/<slug:space>/base/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("espaces/<slug:space>/base/<int:pk>/versions/<int:number>/restaurer/", views.restore, name="restore"),
    path("espaces/<slug:space>/base/<int:pk>/deplacer/", views.shift, name="shift"),
    path("espaces/<slug:space>/base/<int:pk>/fichiers/", views.upload, name="upload"),
    path("espaces/<slug:space>/base/<int:pk>/fichiers/<int:file_pk>/", views.attachment, name="attachment"),
    path("espaces/<slug:space>/base/<int:pk>/fichiers/<int:file_pk>/supprimer/", views.delete_attachment, name="delete_attachment"),
]
