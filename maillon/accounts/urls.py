from django.urls import path

from . import views, views_members, views_signing, views_tokens

app_name = "accounts"

urlpatterns = [
    path("comptes/securite/", views.security, name="security"),
    # Personal access tokens (views_tokens.py)
    path("comptes/jetons/", views_tokens.tokens, name="tokens"),
    # Signing and signature verification (views_signing.py)
    path("comptes/signatures/verifier/", views_signing.verify, name="signature_verify"),
]

org_urlpatterns = [
    # Members admin (views_members.py)
    path("admin/membres/", views_members.members, name="members"),
]
