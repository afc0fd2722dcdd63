from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalementsConfig(AppConfig):
    """Problem reports (« signaler un problème », issue 19): a photo, a place, a status followed."""

    name = "maillon.signalements"
    label = "signalements"
    verbose_name = _("Problem reports")
