"""URL patterns of the framework part (see urls.py), under /<org>/parcours/referentiel/."""

from django.urls import path, re_path

from . import views_framework as views

PART = r"(?P<part>niveaux|profils|domaines)"

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("nouveau/", views.framework_new, name="framework_new"),
    path("modele/", views.framework_from_template, name="framework_from_template"),
    path("<int:pk>/", views.framework_detail, name="framework_detail"),
    path("<int:pk>/modifier/", views.framework_edit, name="framework_edit"),
    re_path(rf"^(?P<pk>[0-9]+)/{PART}/nouveau/$", views.framework_part, name="framework_part_new"),
    re_path(rf"^(?P<pk>[0-9]+)/{PART}/(?P<item>[0-9]+)/$", views.framework_part, name="framework_part"),
    re_path(rf"^(?P<pk>[0-9]+)/{PART}/(?P<item>[0-9]+)/supprimer/$", views.framework_part_delete, name="framework_part_delete"),
    re_path(rf"^(?P<pk>[0-9]+)/{PART}/(?P<item>[0-9]+)/deplacer/$", views.framework_part_move, name="framework_part_move"),
    path("<int:pk>/competences/nouvelle/", views.framework_competency, name="framework_competency_new"),
    path("<int:pk>/competences/<int:item>/", views.framework_competency, name="framework_competency"),
    path("<int:pk>/competences/<int:item>/retirer/", views.framework_competency_withdraw, name="framework_competency_withdraw"),
    path("<int:pk>/competences/<int:item>/statut/", views.framework_competency_status, name="framework_competency_status"),
    path("<int:pk>/competences/<int:item>/deplacer/", views.framework_competency_move, name="framework_competency_move"),
    path("<int:pk>/proposer/", views.framework_propose, name="framework_propose"),
    path("<int:pk>/participants/", views.framework_participants, name="framework_participants"),
    path("<int:pk>/participants/<int:item>/", views.framework_participant, name="framework_participant"),
    path("<int:pk>/participants/<int:item>/retirer/", views.framework_participant_remove, name="framework_participant_remove"),
    path("<int:pk>/editions/", views.framework_editions, name="framework_editions"),
    path("<int:pk>/editions/differences/", views.framework_diff, name="framework_diff"),
    path("<int:pk>/editions/<int:number>/", views.framework_edition, name="framework_edition"),
    re_path(r"^(?P<pk>[0-9]+)/export\.(?P<kind>csv|json)$", views.framework_export, name="framework_export"),
    path("<int:pk>/importer/", views.framework_import, name="framework_import"),
]
