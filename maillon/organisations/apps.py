from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "maillon.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed_logos
        from .policies import THEME_EDITORS

        register_demo_seeder(seed_logos)
        register_nav("organisation", _("Organisation settings"), "organisations:settings", icon="settings", order=220, roles=THEME_EDITORS)
