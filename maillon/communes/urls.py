from django.urls import path

from . import views

app_name = "communes"

org_urlpatterns = [
    path("communes/", views.index, name="index"),
    path("communes/nouvelle/", views.create, name="create"),
    path("communes/import/", views.import_file, name="import"),
    path("communes/<int:pk>/", views.detail, name="detail"),
    path("communes/<int:pk>/modifier/", views.edit, name="edit"),
    path("communes/<int:pk>/retirer/", views.remove, name="remove"),
    path("communes/<int:pk>/reactiver/", views.reactivate, name="reactivate"),
    path("communes/<int:pk>/services/", views.services_edit, name="services"),
    path("communes/<int:pk>/acces-support/", views.support_request, name="support_request"),
    path("acces-support/", views.support_list, name="support_list"),
    path("acces-support/<int:pk>/revoquer/", views.support_revoke, name="support_revoke"),
]
