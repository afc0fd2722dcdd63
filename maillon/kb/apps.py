from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    """A knowledge base per space: pages in a tree, every version kept (issue 17)."""

    name = "maillon.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from maillon.core.registry import register_demo_seeder
        from maillon.spaces.tabs import register_tab

        from .demo import seed_kb

        register_tab("kb", _("Knowledge base"), "kb:index", order=20)
        register_demo_seeder(seed_kb)
