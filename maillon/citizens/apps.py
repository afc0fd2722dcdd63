from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """Citizens of a commune (issue 19): identity without an intranet account (e-mail verified by a
    link, or FranceConnect), the commune's public portal, anti-abuse and the moderation queue."""

    name = "maillon.citizens"
    label = "citizens"
    verbose_name = _("Citizens")

    def ready(self):
        from maillon.core.registry import register_nav

        from . import policies

        register_nav("moderation", _("Moderation"), "citizens:moderation", icon="shield", order=214,
                     visible_if=policies.shows_moderation)
