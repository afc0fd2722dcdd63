from django.urls import path

from . import views

app_name = "mailings"

org_urlpatterns = [
    path("envois/", views.index, name="index"),
    path("envois/nouveau/", views.new, name="new"),
    path("envois/lettre-mensuelle/", views.newsletter, name="newsletter"),
    path("envois/<int:pk>/", views.detail, name="detail"),
    path("envois/<int:pk>/modifier/", views.edit, name="edit"),
    path("envois/<int:pk>/test/", views.test, name="test"),
    path("envois/<int:pk>/envoyer/", views.send, name="send"),
    path("envois/<int:pk>/relancer/", views.retry, name="retry"),
]

urlpatterns = [
    path("espaces/<slug:space>/envoi/", views.space, name="space"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
