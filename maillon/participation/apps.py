from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    """Citizen participation (issue 19): consultations and the idea box of a commune."""

    name = "maillon.participation"
    label = "participation"
    verbose_name = _("Citizen participation")

    def ready(self):
        from maillon.citizens.registry import (
            register_citizen_items,
            register_moderated,
            register_portal_section,
        )
        from maillon.core.registry import register_demo_seeder, register_nav

        from .demo import seed_participation
        from .models import Answer, Idea
        from .policies import MANAGER_ROLES, shows_nav
        from .portal import citizen_items

        register_nav("participation", _("Participation"), "participation:index", icon="chart", order=220, roles=MANAGER_ROLES,
                     visible_if=shows_nav)
        register_portal_section("consultations", _("Consultations"),
                                _("Give your opinion on the commune's projects, and see the results."),
                                "participation:consultations", service="participation", order=20)
        register_portal_section("ideas", _("Idea box"), _("Propose an idea for the commune, support those of others."),
                                "participation:ideas", service="participation", order=30)
        register_moderated("participation_answer", _("Free answers to consultations"), Answer, service="participation",
                           template="participation/moderation/answer_row.html")
        register_moderated("participation_idea", _("Ideas"), Idea, service="participation",
                           template="participation/moderation/idea_row.html")
        register_citizen_items(citizen_items)
        register_demo_seeder(seed_participation)
