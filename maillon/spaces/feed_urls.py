"""The feed's and files' pages of a space (added to the spaces app's urlpatterns, namespace « spaces »)."""

from django.urls import path

from . import feed_views as views

urlpatterns = [
    path("espaces/<slug:space>/fil/", views.feed, name="feed"),
    path("espaces/<slug:space>/fil/publier/", views.publish, name="publish"),
    path("espaces/<slug:space>/fil/resume/", views.digest, name="digest"),
    path("espaces/<slug:space>/fil/<int:pk>/", views.post, name="post"),
    path("espaces/<slug:space>/fil/<int:pk>/modifier/", views.edit, name="post_edit"),
    path("espaces/<slug:space>/fil/<int:pk>/supprimer/", views.delete, name="post_delete"),
    path("espaces/<slug:space>/fil/<int:pk>/epingler/", views.pin, name="post_pin"),
    path("espaces/<slug:space>/fil/<int:pk>/commenter/", views.comment, name="comment"),
    path("espaces/<slug:space>/fil/commentaires/<int:pk>/supprimer/", views.comment_delete, name="comment_delete"),
    path("espaces/<slug:space>/fichiers/", views.files, name="files"),
    path("espaces/<slug:space>/fichiers/<int:pk>/supprimer/", views.file_delete, name="file_delete"),
    path("espaces/<slug:space>/fichiers/<int:pk>/<str:name>", views.download, name="file"),
]
