from django.urls import path

from . import views

app_name = "expertise"

urlpatterns = [
    path("competences/", views.index, name="index"),
    path("competences/personnes/<int:pk>/", views.person, name="person"),
    path("competences/mes-competences/", views.mine, name="mine"),
    path("competences/mes-competences/visibilite/", views.visibility, name="visibility"),
    path("competences/mes-competences/<int:pk>/", views.edit, name="edit"),
    path("competences/mes-competences/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("competences/referentiel/", views.taxonomy, name="taxonomy"),
    path("competences/referentiel/domaines/<int:pk>/", views.domain, name="domain"),
    path("competences/referentiel/domaines/<int:pk>/supprimer/", views.domain_delete, name="domain_delete"),
    path("competences/referentiel/competences/<int:pk>/", views.skill_rename, name="skill_rename"),
    path("competences/referentiel/competences/<int:pk>/supprimer/", views.skill_delete, name="skill_delete"),
]

# The same search inside an organisation's pages (its navigation entry).
org_urlpatterns = [path("competences/", views.index, name="org_index")]
