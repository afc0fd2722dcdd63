from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SignalementsConfig(AppConfig):
    """Problem reports (« signaler un problème », issue 19): a photo, a place, a status followed."""

    name = "maillon.signalements"
    label = "signalements"
    verbose_name = _("Problem reports")

    def ready(self):
        from maillon.citizens.registry import (
            register_citizen_items,
            register_moderated,
            register_portal_section,
        )
        from maillon.core.registry import register_demo_seeder, register_nav

        from . import policies, services
        from .demo import seed_signalements
        from .models import Report

        register_nav("signalements", pgettext_lazy("navigation", "Problem reports"), "signalements:index", icon="alert", order=140, roles=policies.STAFF_ROLES,
                     visible_if=policies.can_manage)
        register_portal_section("signalements", _("Report a problem"),
                                _("A pothole, a broken street light, a fly-tip: tell the commune, with a photo and the place, and follow what is done."),
                                "signalements:public_list", service="problem_reports", order=30)
        register_citizen_items(services.citizen_items)
        register_moderated("signalements", _("Problem reports"), Report, service="problem_reports",
                           template="signalements/partials/moderation_row.html")
        register_demo_seeder(seed_signalements)
