from django.urls import path

from . import pwa, views

app_name = "notifications"

# The installable app (pwa.py): at the root, so that the service worker's scope is the whole site.
urlpatterns = [
    path("manifest.webmanifest", pwa.default_manifest, name="default_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("hors-ligne/", pwa.offline, name="offline"),
    path("appli/icones/<str:name>", pwa.icon, name="pwa_icon"),
]

org_urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/tout-lu/", views.mark_all_read, name="mark_all_read"),
    path("notifications/reglages/", views.preferences, name="preferences"),
    path("notifications/appareils/<int:pk>/retirer/", views.device_remove, name="device_remove"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("admin/boite-envoi/", views.outbox, name="outbox"),
    path("admin/boite-envoi/<int:pk>/", views.outbox_message, name="outbox_message"),
]
