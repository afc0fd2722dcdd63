from django.urls import path

from . import views

app_name = "diagnostic"

org_urlpatterns = [
    path("diagnostic/", views.index, name="index"),
    path("diagnostic/commencer/", views.start, name="start"),
    path("diagnostic/<int:pk>/questionnaire/", views.edit, name="edit"),
    path("diagnostic/<int:pk>/", views.result, name="result"),
    path("diagnostic/<int:pk>/rapport.pdf", views.report, name="report"),
    path("diagnostic/securite/", views.security, name="security"),
    path("diagnostic/regles/", views.rules_page, name="rules"),
    path("diagnostic/regles/<int:pk>/supprimer/", views.rule_delete, name="rule_delete"),
    path("diagnostic/regles/par-defaut/", views.rules_reset, name="rules_reset"),
]
