from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Backups and restore: `maillon backup` / `maillon restore`, the daily job, rotation, copies,
    the dashboard panel and the alerts (docs/operations.md)."""

    name = "maillon.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self):
        from datetime import time

        from maillon.accounts.roles import Role
        from maillon.core import periodic
        from maillon.core.registry import register_panel
        from maillon.notifications import kinds

        from . import tasks
        from .panels import last_backup

        kinds.register("backups.alert", _("Backups"), _("A backup failed, or none succeeded for a day."),
                       kinds.Channel.IMMEDIATE, configurable=False, push=True)
        register_panel("backups", "backups/panels/last_backup.html", get_context=last_backup, roles={Role.DIRECTOR, Role.ADMIN})
        periodic.register("backups.daily", tasks.daily_backup, "daily", at=time(2, 30))
        periodic.register("backups.check", tasks.check_backups, "hourly")
