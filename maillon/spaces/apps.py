from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    """Extranet spaces: working groups across organisations (seed 000)."""

    name = "maillon.spaces"
    label = "spaces"
    verbose_name = _("Spaces")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav
        from maillon.notifications import kinds

        from . import tabs
        from .demo import seed_spaces

        kinds.register("spaces.invited", _("Spaces"), _("I was added to a space, or my organisation was invited to one."),
                       kinds.Channel.IMMEDIATE)
        register_nav("spaces", _("Spaces"), "spaces:org_index", icon="users", order=45)
        register_demo_seeder(seed_spaces)
        tabs.register_tab("home", _("Overview"), "spaces:space", order=0)
        tabs.register_tab("members", _("Members"), "spaces:members", order=90)
