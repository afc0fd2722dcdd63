from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Partners, funders, facilitators, funder portals, useful links and the staff directory."""

    name = "maillon.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed

        register_nav("directory", _("Directory"), "directory:partners", icon="book", order=45, primary=True)
        register_demo_seeder(seed)
