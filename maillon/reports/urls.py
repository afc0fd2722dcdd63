from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("espaces/<slug:space>/rapports/", views.space_index, name="space"),
    path("espaces/<slug:space>/rapports/note-de-cadrage.docx", views.framing_note, name="framing_note"),
    path("espaces/<slug:space>/rapports/<str:period>/", views.space_report, name="space_report"),
    path("espaces/<slug:space>/rapports/<str:period>/<str:fmt>", views.space_report, name="space_export"),
]

org_urlpatterns = [
    path("rapports/", views.federation_index, name="federation"),
    path("rapports/<slug:federation>/<str:period>/", views.federation_report, name="federation_report"),
    path("rapports/<slug:federation>/<str:period>/<str:fmt>", views.federation_report, name="federation_export"),
]
