from django.urls import path

from . import views, views_plannings

app_name = "agenda"

org_urlpatterns = [
    path("ressources/", views.resources, name="resources"),
    path("ressources/<int:pk>/", views.resource_detail, name="resource"),
    path("ressources/<int:pk>/photo/", views.resource_photo, name="resource_photo"),
    path("ressources/<int:pk>/photo/modifier/", views.resource_photo_edit, name="resource_photo_edit"),
    path("agenda/", views.index, name="index"),
    path("agenda/filtres/", views.filter_search, name="filter_search"),
    path("agenda/nouveau/", views.new_event, name="new"),
    path("agenda/verifier/", views.check, name="check"),
    path("agenda/disponibilites/", views.availability, name="availability"),
    path("agenda/a-valider/", views.pending, name="pending"),
    path("agenda/abonnement/", views.feeds, name="feeds"),
    path("agenda/evenements/<int:pk>/", views.event_detail, name="event"),
    path("agenda/evenements/<int:pk>/ics/", views.event_ics, name="event_ics"),
    path("agenda/dates/<int:pk>/modifier/", views.move_occurrence, name="move"),
    path("agenda/dates/<int:pk>/verifier/", views.move_check, name="move_check"),
    path("agenda/dates/<int:pk>/annuler/", views.cancel_occurrence, name="cancel"),
    path("agenda/plannings/", views_plannings.planning_list, name="plannings"),
    path("agenda/plannings/nouveau/", views_plannings.planning_new, name="planning_new"),
    path("agenda/plannings/<int:pk>/", views_plannings.planning_detail, name="planning"),
    path("agenda/plannings/<int:pk>/publier/", views_plannings.planning_publish, name="planning_publish"),
    path("agenda/plannings/<int:pk>/annuler-modifications/", views_plannings.planning_discard, name="planning_discard"),
    path("agenda/creneaux/<int:pk>/equipe/", views_plannings.shift_people, name="shift_people"),
    path("agenda/creneaux/<int:pk>/supprimer/", views_plannings.shift_delete, name="shift_delete"),
    path("agenda/creneaux/<int:pk>/modifier/", views_plannings.shift_edit, name="shift_edit"),
    path("agenda/creneaux/<int:pk>/verifier/", views_plannings.shift_check, name="shift_check"),
    path("agenda/creneaux/<int:pk>/echanger/", views_plannings.swap_new, name="swap_new"),
    path("agenda/echanges/", views_plannings.swaps, name="swaps"),
    path("agenda/contrats/<int:pk>/", views_plannings.work_profile, name="work_profile"),
    path("ressources/fermetures/", views_plannings.closures, name="closures"),
    path("ressources/fermetures/<int:pk>/supprimer/", views_plannings.closure_delete, name="closure_delete"),
]

urlpatterns = [
    path("agenda/flux/<str:token>.ics", views.feed, name="feed"),
    path("agenda/flux/<str:token>/ressources/<int:pk>.ics", views.resource_feed, name="resource_feed"),
]
