from django.urls import path

from . import views

app_name = "content"

# Mounted at the root, after the organisations app's public logos (apps are discovered in
# INSTALLED_APPS order): every other /media/ address goes through an access check.
urlpatterns = [
    path("media/<path:path>", views.media_file, name="media"),
]

org_urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("pages/<path:path>", views.page, name="page"),
    path("actualites/", views.news, name="news"),
    path("contenus/gerer/", views.back_office, name="back_office"),
    path("contenus/menu/", views.menu, name="menu"),
    path("documents/", views.documents, name="documents"),
    path("documents/ajouter/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/modifier/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/remplacer/", views.document_replace, name="document_replace"),
    path("documents/<int:pk>/supprimer/", views.document_delete, name="document_delete"),
    path("documents/<int:pk>/fichier/<slug:slug>", views.download, name="download"),
    path("images/<int:pk>/<str:spec>/", views.image, name="image"),
    path("recherche/", views.search_view, name="search"),
]
