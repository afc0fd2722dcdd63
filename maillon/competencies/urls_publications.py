"""URL patterns of the publications part (see urls.py), under /<org>/parcours/publications/."""

from django.urls import path

from . import views_publications as views

urlpatterns: list = [
    path("", views.index, name="publication_index"),
    path("preparer/", views.prepare, name="publication_prepare"),
    path("<int:pk>/", views.detail, name="publication_detail"),
    path("<int:pk>/modifier/", views.edit, name="publication_edit"),
    path("<int:pk>/publier/", views.publish, name="publication_publish"),
    path("<int:pk>/supprimer/", views.delete, name="publication_delete"),
    path("<int:pk>/publication.<str:fmt>", views.download, name="publication_download"),
    path("seances/", views.sessions, name="publication_sessions"),
    path("seances/<int:pk>/", views.session, name="publication_session"),
    path("seances/<int:pk>/retirer/<int:link_pk>/", views.session_unlink, name="publication_session_unlink"),
]
