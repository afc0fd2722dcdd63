from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    """Groupements of communes (issue 19): provisioning, services per commune, support access."""

    name = "maillon.communes"
    label = "communes"
    verbose_name = _("Communes")

    def ready(self):

        from maillon.core import periodic
        from maillon.core.registry import (
            register_demo_seeder,
            register_dock,
            register_nav,
            register_nav_filter,
        )
        from maillon.notifications import kinds
        from maillon.notifications.kinds import Channel
        from maillon.organisations.middleware import API_MEMBERSHIP_CHECKS, REQUEST_CHECKS

        from . import access, policies, tasks
        from .demo import seed_communes

        register_nav("communes", _("Communes"), "communes:index", icon="users", order=12, visible_if=policies.is_groupement_staff)
        register_nav("support_accesses", _("Support accesses"), "communes:support_list", icon="shield", order=215,
                     visible_if=policies.can_see_support)
        register_nav_filter(access.hidden_nav, panels=access.hidden_panels)
        kinds.register("communes.support", _("Support access to the commune"),
                       _("A groupement's staff member acts in the commune as administrator for a few hours."),
                       Channel.IMMEDIATE, configurable=False)
        register_dock("support_banner", "communes/partials/support_banner.html", order=0, top=True,
                      visible_if=access.in_support)  # only where it shows something: no template on other pages
        if access.check_request not in REQUEST_CHECKS:
            REQUEST_CHECKS.append(access.check_request)
        if access.check_api_membership not in API_MEMBERSHIP_CHECKS:
            API_MEMBERSHIP_CHECKS.append(access.check_api_membership)
        periodic.register("communes.end_expired_support", tasks.end_expired_support, "hourly")
        register_demo_seeder(seed_communes)
