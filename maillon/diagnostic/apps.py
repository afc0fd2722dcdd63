from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    """A commune's needs diagnostic, its recommended bundle and training plan, and its security
    self-check (issue 19)."""

    name = "maillon.diagnostic"
    label = "diagnostic"
    verbose_name = _("Needs diagnostic")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed_diagnostic
        from .policies import DIAGNOSTIC_ROLES, shows_nav

        register_nav("diagnostic", _("Diagnostic"), "diagnostic:index", icon="tasks", order=210, roles=DIAGNOSTIC_ROLES,
                     visible_if=shows_nav)
        register_demo_seeder(seed_diagnostic)
