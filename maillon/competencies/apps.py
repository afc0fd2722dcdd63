from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    """Competency frameworks, professional logbooks and the publications made from them (issue 18,
    seed 004): « cadre commun de référence professionnelle », « journal de bord professionnel »."""

    name = "maillon.competencies"
    label = "competencies"
    verbose_name = _("Competency frameworks and logbooks")
