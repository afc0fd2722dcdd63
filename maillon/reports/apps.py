from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Activity reports of spaces and federations: page, PDF, PowerPoint, Word (seed 000)."""

    name = "maillon.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from maillon.core.registry import register_nav
        from maillon.spaces.tabs import register_tab

        from . import contributions
        from .policies import is_federation_office

        contributions.install()

        register_tab("reports", _("Reports"), "reports:space", order=80)
        register_nav("reports", _("Reports"), "reports:federation", icon="chart", order=96, visible_if=is_federation_office)
