from django.urls import path

from . import views, views_settings
from .urls_tools import org_urlpatterns as tool_urlpatterns

app_name = "health"

org_urlpatterns = [
    path("fiches-sanitaires/", views.index, name="index"),
    path("fiches-sanitaires/nouvelle/", views.edit, name="create"),
    path("fiches-sanitaires/<int:pk>/", views.detail, name="detail"),
    path("fiches-sanitaires/<int:pk>/modifier/", views.edit, name="edit"),
    path("fiches-sanitaires/<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("fiches-sanitaires/reglages/", views_settings.settings_page, name="settings"),
]
org_urlpatterns += tool_urlpatterns  # outing sheet, import/export, deletion (urls_tools.py)
