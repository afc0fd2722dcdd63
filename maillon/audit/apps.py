from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "maillon.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        import logging
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_nav

        from . import tasks
        from .policies import JOURNAL_ROLES

        register_nav("journal", _("Audit log"), "audit:journal", icon="shield", order=220, roles=JOURNAL_ROLES)
        periodic.register("audit.checkpoint", tasks.write_checkpoint, "daily", at=time(0, 15))
        # The daily checkpoint is logged at INFO and must reach the log output even when the
        # root level is WARNING (the default); LOGGING may still set this logger's level.
        audit_logger = logging.getLogger("maillon.audit")
        if audit_logger.level == logging.NOTSET:
            audit_logger.setLevel(logging.INFO)
