from django.urls import path

from . import views, views_members, views_sessions, views_signing, views_tokens

app_name = "accounts"

urlpatterns = [
    path("comptes/securite/", views.security, name="security"),
    # The person's open sessions (views_sessions.py)
    path("comptes/securite/appareils/", views_sessions.sessions, name="sessions"),
    path("comptes/securite/appareils/<int:pk>/deconnecter/", views_sessions.end, name="session_end"),
    path("comptes/securite/appareils/deconnecter-ailleurs/", views_sessions.end_others, name="sessions_end_others"),
    # Personal access tokens (views_tokens.py)
    path("comptes/jetons/", views_tokens.tokens, name="tokens"),
    path("comptes/jetons/<int:pk>/revoquer/", views_tokens.revoke, name="token_revoke"),
    # Signing and signature verification (views_signing.py)
    path("comptes/signatures/verifier/", views_signing.verify, name="signature_verify"),
]

org_urlpatterns = [
    # Members admin (views_members.py)
    path("admin/membres/", views_members.members, name="members"),
    path("admin/membres/inviter/", views_members.invite, name="member_invite"),
    path("admin/membres/import/", views_members.import_csv, name="members_import"),
    path("admin/membres/import/modele.csv", views_members.import_template, name="members_import_template"),
    path("admin/membres/<int:pk>/", views_members.member, name="member"),
    path("admin/membres/<int:pk>/desactiver/", views_members.deactivate, name="member_deactivate"),
    path("admin/membres/<int:pk>/reactiver/", views_members.reactivate, name="member_reactivate"),
    path("admin/membres/<int:pk>/invitation/", views_members.resend_invitation, name="member_resend_invitation"),
]
