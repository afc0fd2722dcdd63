from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    """Targeted mailings and the monthly newsletter (issue 17)."""

    name = "maillon.mailings"
    label = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        from django.apps import apps

        from maillon.core.registry import register_demo_seeder, register_nav
        from maillon.spaces.models import Role as SpaceRole
        from maillon.spaces.tabs import register_tab

        from . import segments, tasks  # noqa: F401  (segments registers the built-in criteria)
        from .demo import seed_mailings

        if apps.is_installed("maillon.expertise"):
            segments.register_skills()
        register_nav("mailings", _("Mailings"), "mailings:index", icon="mail", order=96, roles=segments.FULL_ROLES)
        register_tab("mailing", _("Mailing"), "mailings:space", order=80,
                     visible_if=lambda space, role: role == SpaceRole.HOST and not space.is_archived)
        register_demo_seeder(seed_mailings)
