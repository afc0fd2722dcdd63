from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    """The skills directory (« plateforme de compétences techniques », issue 17)."""

    name = "maillon.expertise"
    label = "expertise"
    verbose_name = _("Skills directory")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed_expertise

        register_nav("expertise", _("Skills"), "expertise:org_index", icon="key", order=47)
        register_demo_seeder(seed_expertise)
