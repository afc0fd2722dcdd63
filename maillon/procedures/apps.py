from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Administrative procedures (démarches): forms built in the back office, submissions, approvals."""

    name = "maillon.procedures"
    label = "procedures"
    verbose_name = _("Procedures")
