from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    """Groupements of communes (issue 19): provisioning, services per commune, support access."""

    name = "maillon.communes"
    label = "communes"
    verbose_name = _("Communes")
