from django.urls import path

from . import views

app_name = "agenda"

org_urlpatterns = [
    path("ressources/", views.resources, name="resources"),
    path("ressources/<int:pk>/", views.resource_detail, name="resource"),
    path("agenda/", views.index, name="index"),
    path("agenda/nouveau/", views.new_event, name="new"),
    path("agenda/verifier/", views.check, name="check"),
    path("agenda/a-valider/", views.pending, name="pending"),
    path("agenda/abonnement/", views.feeds, name="feeds"),
    path("agenda/evenements/<int:pk>/", views.event_detail, name="event"),
    path("agenda/evenements/<int:pk>/ics/", views.event_ics, name="event_ics"),
    path("agenda/dates/<int:pk>/modifier/", views.move_occurrence, name="move"),
    path("agenda/dates/<int:pk>/annuler/", views.cancel_occurrence, name="cancel"),
]

urlpatterns = [
    path("agenda/flux/<str:token>.ics", views.feed, name="feed"),
    path("agenda/flux/<str:token>/ressources/<int:pk>.ics", views.resource_feed, name="resource_feed"),
]
