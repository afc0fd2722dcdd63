from django.urls import path

from . import views, views_manage

app_name = "procedures"

org_urlpatterns = [
    path("demarches/", views.index, name="index"),
    path("demarches/nouvelle/<slug:slug>/", views.start, name="start"),
    path("demarches/dossiers/<int:pk>/", views.detail, name="submission"),
    path("demarches/dossiers/<int:pk>/modifier/", views.edit, name="edit"),
    path("demarches/dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("demarches/dossiers/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("demarches/dossiers/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("demarches/dossiers/<int:pk>/supprimer/", views.delete_draft, name="delete"),
    path("demarches/dossiers/<int:pk>/recapitulatif/", views.recap, name="recap"),
    path("demarches/dossiers/<int:pk>/recapitulatif.pdf", views.recap_pdf, name="recap_pdf"),
    path("demarches/dossiers/<int:pk>/fichiers/<int:file_id>/", views.download, name="file"),
    path("demarches/a-valider/", views.queue, name="queue"),
    path("demarches/suivi/", views.oversee, name="oversee"),
    path("demarches/delegations/", views.delegations, name="delegations"),
    path("demarches/gestion/", views_manage.manage, name="manage"),
    path("demarches/gestion/nouvelle/", views_manage.create, name="manage_create"),
    path("demarches/gestion/modeles/", views_manage.templates, name="templates"),
    path("demarches/gestion/<int:pk>/", views_manage.editor, name="manage_edit"),
    path("demarches/gestion/<int:pk>/champs/ajouter/", views_manage.field_edit, name="field_add"),
    path("demarches/gestion/<int:pk>/champs/<slug:key>/", views_manage.field_edit, name="field_edit"),
    path("demarches/gestion/<int:pk>/champs/<slug:key>/deplacer/", views_manage.field_move, name="field_move"),
    path("demarches/gestion/<int:pk>/champs/<slug:key>/supprimer/", views_manage.field_delete, name="field_delete"),
    path("demarches/gestion/<int:pk>/circuit/", views_manage.chain, name="chain"),
    path("demarches/gestion/<int:pk>/publier/", views_manage.publish, name="publish"),
    path("demarches/gestion/<int:pk>/retirer/", views_manage.retire, name="retire"),
]
