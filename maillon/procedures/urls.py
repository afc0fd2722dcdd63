from django.urls import path

from . import views, views_manage, views_public

app_name = "procedures"

# Public pages of a commune (issue 19): root patterns, slug kwarg « commune » (citizens.public).
urlpatterns = [
    path("<org:commune>/demarches-en-ligne/", views_public.index, name="public_index"),
    path("<org:commune>/demarches-en-ligne/suivi/<str:ref>/", views_public.follow, name="public_follow"),
    path("<org:commune>/demarches-en-ligne/suivi/<str:ref>/recu/", views_public.receipt, name="public_receipt"),
    path("<org:commune>/demarches-en-ligne/suivi/<str:ref>/completer/", views_public.complete, name="public_complete"),
    path("<org:commune>/demarches-en-ligne/suivi/<str:ref>/retirer/", views_public.withdraw, name="public_withdraw"),
    path("<org:commune>/demarches-en-ligne/suivi/<str:ref>/<str:kind>/<int:pk>/", views_public.attachment, name="public_attachment"),
    path("<org:commune>/demarches-en-ligne/<slug:slug>/", views_public.fill, name="public_fill"),
]

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
    path("demarches/dossiers/<int:pk>/messages/", views_public.staff_message, name="message"),
    path("demarches/dossiers/<int:pk>/messages/<int:message_id>/", views_public.staff_attachment, name="message_attachment"),
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
