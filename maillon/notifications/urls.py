from django.urls import path

from . import views

app_name = "notifications"

org_urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/tout-lu/", views.mark_all_read, name="mark_all_read"),
    path("notifications/reglages/", views.preferences, name="preferences"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("admin/boite-envoi/", views.outbox, name="outbox"),
    path("admin/boite-envoi/<int:pk>/", views.outbox_message, name="outbox_message"),
]
