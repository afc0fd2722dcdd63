from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    """Competency frameworks, professional logbooks and the publications made from them (issue 18,
    seed 004): « cadre commun de référence professionnelle », « journal de bord professionnel »."""

    name = "maillon.competencies"
    label = "competencies"
    verbose_name = _("Competency frameworks and logbooks")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav

        from . import demo_framework, demo_logbook, demo_publications, logbook

        register_nav("logbook", _("Logbook"), "competencies:home", icon="book", order=48, visible_if=logbook.shows_logbook)

        # In this order: the logbook's entries need the framework, the publications need the entries.
        register_demo_seeder(demo_framework.seed)
        register_demo_seeder(demo_logbook.seed)
        register_demo_seeder(demo_publications.seed)
