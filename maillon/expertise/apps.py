from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

URL_ROOT = "competences"


class ExpertiseConfig(AppConfig):
    """The skills directory (« plateforme de compétences techniques », issue 17)."""

    name = "maillon.expertise"
    label = "expertise"
    verbose_name = _("Skills directory")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav
        from maillon.organisations.models import RESERVED_SLUGS

        from .demo import seed_expertise

        # /competences/ is this app's root page, not an organisation called « competences » (whose
        # dashboard pattern, <org:org>/, would answer first). Read by maillon/urls.py's converter,
        # imported after every app is ready. To move into RESERVED_SLUGS itself (organisations app).
        RESERVED_SLUGS.add(URL_ROOT)
        register_nav("expertise", _("Skills"), "expertise:org_index", icon="key", order=47)
        register_demo_seeder(seed_expertise)
