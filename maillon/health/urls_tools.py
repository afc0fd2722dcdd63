"""The outing sheet, the CSV import and export and deletion by hand, added to the health app's
pages (``urls.py`` appends these patterns; same ``health`` namespace)."""

from django.urls import path

from . import views_imports, views_outings

org_urlpatterns = [
    path("fiches-sanitaires/sortie/", views_outings.picker, name="outing"),
    path("fiches-sanitaires/sortie/fiche/", views_outings.sheet, name="outing_sheet"),
    path("fiches-sanitaires/sortie/fiche.pdf", views_outings.sheet_pdf, name="outing_pdf"),
    path("fiches-sanitaires/import/", views_imports.import_records, name="import"),
    path("fiches-sanitaires/import/modele.csv", views_imports.template, name="import_template"),
    path("fiches-sanitaires/export.csv", views_imports.export_records, name="export"),
    path("fiches-sanitaires/<int:pk>/supprimer/", views_imports.delete, name="delete"),
]
