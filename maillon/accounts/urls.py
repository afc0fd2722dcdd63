from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("comptes/securite/", views.security, name="security"),
    path("comptes/jetons/", views.tokens, name="tokens"),
]

org_urlpatterns = [
    path("admin/membres/", views.members, name="members"),
]
