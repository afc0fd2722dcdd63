"""Public pages of a commune (kwarg ``commune``), FranceConnect's instance-wide return addresses
(« citoyens » is a reserved slug), and the staff moderation queue (``org``)."""

from django.urls import path

from . import views, views_staff

app_name = "citizens"

urlpatterns = [
    path("<org:commune>/citoyens/", views.portal, name="portal"),
    path("<org:commune>/citoyens/connexion/", views.login, name="login"),
    path("<org:commune>/citoyens/connexion/lien-envoye/", views.login_sent, name="login_sent"),
    path("<org:commune>/citoyens/connexion/<str:token>/", views.login_link, name="login_link"),
    path("<org:commune>/citoyens/deconnexion/", views.logout, name="logout"),
    path("<org:commune>/citoyens/deconnecte/", views.logged_out, name="logged_out"),
    path("<org:commune>/citoyens/mon-espace/", views.mine, name="mine"),
    path("<org:commune>/citoyens/accessibilite/", views.accessibility, name="accessibility"),
    path("<org:commune>/citoyens/donnees-personnelles/", views.privacy, name="privacy"),
    path("<org:commune>/citoyens/franceconnect/", views.franceconnect_start, name="franceconnect_start"),
    path("citoyens/franceconnect/retour/", views.franceconnect_callback, name="franceconnect_callback"),
    path("citoyens/franceconnect/deconnexion/", views.franceconnect_logout, name="franceconnect_logout"),
    path("citoyens/franceconnect/fin/", views.franceconnect_logged_out, name="franceconnect_logged_out"),
]
org_urlpatterns = [
    path("moderation/", views_staff.queue, name="moderation"),
    path("moderation/<slug:kind>/<int:pk>/<str:action>/", views_staff.act, name="moderate"),
]
