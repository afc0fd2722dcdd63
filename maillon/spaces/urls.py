from django.urls import path

from . import feed_urls, views

app_name = "spaces"

urlpatterns = [
    path("espaces/", views.index, name="index"),
    path("espaces/nouveau/", views.new, name="new"),
    path("espaces/invitation/<str:token>/", views.accept, name="accept"),
    path("espaces/organisations/<int:pk>/reponse/", views.answer, name="answer"),
    path("espaces/<slug:space>/", views.space, name="space"),
    path("espaces/<slug:space>/reglages/", views.settings_view, name="settings"),
    path("espaces/<slug:space>/archive/", views.archive, name="archive"),
    path("espaces/<slug:space>/membres/", views.members, name="members"),
    path("espaces/<slug:space>/membres/inviter/", views.invite, name="invite"),
    path("espaces/<slug:space>/membres/organisations/", views.invite_organisation, name="invite_organisation"),
    path("espaces/<slug:space>/membres/organisations/<int:pk>/retirer/", views.remove_organisation, name="remove_organisation"),
    path("espaces/<slug:space>/membres/invitations/<int:pk>/annuler/", views.revoke, name="revoke"),
    path("espaces/<slug:space>/membres/<int:pk>/role/", views.change_role, name="change_role"),
    path("espaces/<slug:space>/membres/<int:pk>/retirer/", views.remove, name="remove"),
]
urlpatterns += feed_urls.urlpatterns

# The same list inside an organisation's pages (its navigation entry).
org_urlpatterns = [path("espaces/", views.index, name="org_index")]
