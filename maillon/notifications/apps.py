from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "maillon.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from datetime import time

        from django.urls import path

        from maillon.core import periodic
        from maillon.core.registry import register_websocket

        from . import checks  # noqa: F401  (registers the e-mail deploy check)
        from .consumers import NotificationConsumer
        from .tasks import purge_read_notifications, send_digests

        register_websocket(path("ws/notifications/", NotificationConsumer.as_asgi()))
        periodic.register("notifications.purge_read", purge_read_notifications, "daily", at=time(3, 0))
        # After the meetings' reminders (07:00): a task due tomorrow is in the same morning's digest.
        periodic.register("notifications.digest", send_digests, "daily", at=time(7, 30))
