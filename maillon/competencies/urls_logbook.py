"""URL patterns of the logbook part (see urls.py): /<org>/parcours/…"""

from django.urls import path

from . import views_logbook as views

urlpatterns = [
    path("", views.home, name="home"),
    path("groupe/", views.group, name="entry_group"),
    path("entrees/nouvelle/", views.entry_new, name="entry_new"),
    path("entrees/competences/", views.competency_search, name="entry_competency_search"),
    path("entrees/<int:pk>/", views.entry, name="entry"),
    path("entrees/<int:pk>/modifier/", views.entry_edit, name="entry_edit"),
    path("entrees/<int:pk>/supprimer/", views.entry_delete, name="entry_delete"),
    path("auto-evaluation/", views.assessments, name="person_assessments"),
    path("auto-evaluation/<int:competency>/", views.assess, name="person_assess"),
    path("validations/", views.validations, name="person_validations"),
    path("validations/<int:pk>/", views.validate, name="person_validate"),
    path("ma-page/", views.my_page, name="person_me"),
    path("personnes/<int:pk>/", views.person, name="person"),
]
