from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "maillon.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from maillon.core.registry import register_nav

        from .policies import JOURNAL_ROLES

        register_nav("journal", _("Audit log"), "audit:journal", icon="shield", order=220, roles=JOURNAL_ROLES)
