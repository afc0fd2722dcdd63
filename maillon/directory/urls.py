from django.urls import path

from . import views

app_name = "directory"

org_urlpatterns = [
    path("annuaire/", views.partners, name="partners"),
    path("annuaire/partenaires/<int:pk>/", views.partner, name="partner"),
    path("annuaire/partenaires/<int:partner_pk>/contacts/ajouter/", views.contact_edit, name="contact_add"),
    path("annuaire/partenaires/<int:partner_pk>/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("annuaire/contacts/<int:pk>/vcard/", views.contact_vcard, name="contact_vcard"),
    path("annuaire/animateurs/", views.facilitators, name="facilitators"),
    path("annuaire/animateurs/<int:pk>/vcard/", views.facilitator_vcard, name="facilitator_vcard"),
    path("annuaire/liens/", views.links, name="links"),
    path("annuaire/equipe/", views.staff, name="staff"),
    path("annuaire/equipe/<int:pk>/vcard/", views.person_vcard, name="person_vcard"),
    path("annuaire/<str:kind>/ajouter/", views.edit, name="add"),
    path("annuaire/<str:kind>/<int:pk>/modifier/", views.edit, name="edit"),
    path("annuaire/<str:kind>/<int:pk>/supprimer/", views.delete, name="delete"),
]
