from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform plumbing: plug-in registry, periodic jobs, health checks, security headers."""

    name = "maillon.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from datetime import time

        from . import choices, translation_state

        choices.install()
        translation_state.install()  # the active language without asgiref.Local's lock (issue 14)
        from . import periodic
        from .tasks import clear_expired_sessions, prune_task_results

        periodic.register("core.clear_expired_sessions", clear_expired_sessions, "daily", at=time(2, 30))
        periodic.register("core.prune_task_results", prune_task_results, "daily", at=time(2, 45))
