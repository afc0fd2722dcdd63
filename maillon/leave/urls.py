from django.urls import path

from . import views

app_name = "leave"

org_urlpatterns = [
    path("conges/", views.mine, name="mine"),
    path("conges/estimation/", views.estimate, name="estimate"),
    path("conges/equipe/", views.team, name="team"),
    path("conges/equipe/mouvements/", views.entries, name="entries"),
    path("conges/equipe/correction/", views.correction, name="correction"),
    path("conges/equipe/import/", views.import_balances, name="import"),
    path("conges/equipe/<int:pk>/cycle/", views.cycle, name="cycle"),
    path("conges/parametres/", views.settings_page, name="settings"),
    path("conges/parametres/types/nouveau/", views.leave_type, name="type_create"),
    path("conges/parametres/types/<int:pk>/", views.leave_type, name="type_edit"),
]
