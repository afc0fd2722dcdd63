from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    """Citizen participation (issue 19): consultations and the idea box of a commune."""

    name = "maillon.participation"
    label = "participation"
    verbose_name = _("Citizen participation")
